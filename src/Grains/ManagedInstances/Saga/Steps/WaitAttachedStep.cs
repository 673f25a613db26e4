namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>Waits until every data volume is attached to the new instance; records when (the end of the downtime).</summary>
public sealed class WaitAttachedStep : ISagaStep
{
    public SagaStep Step => SagaStep.WaitAttached;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var instanceId = context.Operation.NewInstanceId!;
        foreach (var volume in context.Spec.LaunchSpecification.BlockDeviceMappings)
        {
            var current = await context.Volume(volume.DeviceName).RefreshAsync(context.CancellationToken);
            if (current.AttachedInstanceId != instanceId || current.AttachmentState != "attached")
            {
                return StepResult.Wait($"volume {current.VolumeId} to be attached to {instanceId} (it is {current.AttachmentState ?? current.State})");
            }
        }

        return StepResult.Done(context.State with { Operation = context.Operation with { AttachedAt = context.Now } });
    }
}
