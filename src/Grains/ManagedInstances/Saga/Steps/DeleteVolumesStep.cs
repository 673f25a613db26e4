using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Volumes;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Delete with shouldDeleteVolumes: each volume grain deletes its volume; then the volumes no grain holds any more
/// (replaced by an interrupted operation) and any detached volume of ours that nothing recorded.
/// </summary>
public sealed class DeleteVolumesStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.DeleteVolumes;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (context.Operation.DeleteOptions is not { ShouldDeleteVolumes: true })
        {
            return StepResult.Done(context.State);
        }

        var held = await HeldVolumes.GetAsync(context);
        foreach (var volume in held)
        {
            await context.Volume(volume.DeviceName).DeleteAsync(context.CancellationToken);
        }

        await ReplacedVolumes.DeleteAsync(context, ec2, held, context.State.StaleVolumeIds);
        await new UnheldVolumes(ec2, context.ManagedInstanceId).DeleteUntrackedAsync(Tracked.Ids(context.State, keep: []), context.CancellationToken);
        return StepResult.Done(context.State with { StaleVolumeIds = [] });
    }
}
