using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Volumes;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>Delete: root images (shouldDeleteImages) with their snapshots (and shouldDeleteSnapshots), per-device snapshots, and the persisted root volume.</summary>
public sealed class DeleteRootArtifactsStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.DeleteRootArtifacts;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (context.Operation.DeleteOptions is not { } options)
        {
            return StepResult.Done(context.State);
        }

        var images = context.State.RootImages;
        foreach (var image in options.ShouldDeleteImages ? images : [])
        {
            await Ec2Images.DeleteAsync(ec2, image.ImageId, options.ShouldDeleteSnapshots ? image.SnapshotId : null, context.CancellationToken);
        }

        var unheld = new UnheldVolumes(ec2, context.ManagedInstanceId);
        if (options.ShouldDeleteSnapshots)
        {
            await unheld.DeleteDeviceSnapshotsAsync([.. context.State.LatestSnapshots.Select(s => s.SnapshotId)], context.CancellationToken);
        }

        if (options is { ShouldDeleteVolumes: true, ShouldTerminateInstance: true } && context.State.RootVolumeId is { } root
            && context.Spec.Persistence.PersistRootDevice)
        {
            var grain = context.Volume(ResourceKeys.RootVolume);
            if ((await grain.GetAsync(context.CancellationToken))?.VolumeId == root)
            {
                await grain.DeleteAsync(context.CancellationToken);
            }
            else
            {
                // State older than the root volume grain: the root is held by no grain.
                await unheld.DeleteAsync([root], context.CancellationToken);
            }
        }

        return StepResult.Done(context.State with { RootImages = options.ShouldDeleteImages ? [] : images });
    }
}
