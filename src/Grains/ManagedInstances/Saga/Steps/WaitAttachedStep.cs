using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>Waits until every data volume is attached to the new instance; records when (the end of the downtime).</summary>
public sealed class WaitAttachedStep : ISagaStep
{
    public SagaStep Step => SagaStep.WaitAttached;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var instanceId = context.Operation.NewInstanceId!;

        // Right after the attach calls, their answers are the freshest look there is; after that, all volumes are
        // described at once (the gateway makes one call of them).
        var volumes = await Task.WhenAll(context.Spec.LaunchSpecification.BlockDeviceMappings.Select(async mapping =>
        {
            var grain = context.Volume(mapping.DeviceName);
            return (context.JustStarted ? await grain.GetAsync(context.CancellationToken) : null)
                ?? await grain.RefreshAsync(context.CancellationToken);
        }));
        foreach (var current in volumes)
        {
            if (current.AttachedInstanceId != instanceId || current.AttachmentState != "attached")
            {
                return StepResult.Wait($"volume {current.VolumeId} to be attached to {instanceId} (it is {current.AttachmentState ?? current.State})");
            }
        }

        return StepResult.Done(context.State with { Operation = context.Operation with { AttachedAt = context.Now } });
    }
}
