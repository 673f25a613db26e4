namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>Reattach mode (and repair): each volume grain attaches its volume to the new instance at its device name.</summary>
public sealed class AttachVolumesStep : ISagaStep
{
    public SagaStep Step => SagaStep.AttachVolumes;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var instanceId = context.Operation.NewInstanceId!;
        foreach (var volume in context.Spec.LaunchSpecification.BlockDeviceMappings)
        {
            var current = await context.Volume(volume.DeviceName).AttachAsync(instanceId, context.CancellationToken);
            if (current.State == "creating")
            {
                return StepResult.Wait($"volume {current.VolumeId} to be created");
            }
        }

        return StepResult.Done(context.State);
    }
}
