namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Reattach mode: each data volume is created once by its volume grain (from the device's snapshot when there is one,
/// as after an import; else empty). onLaunch volumes are made by the launch mapping instead.
/// </summary>
public sealed class EnsureVolumesStep : ISagaStep
{
    public SagaStep Step => SagaStep.EnsureVolumes;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (SnapshotRules.BuildsVolumesOnLaunch(context.Spec))
        {
            return StepResult.Done(context.State);
        }

        foreach (var volume in context.Spec.LaunchSpecification.BlockDeviceMappings)
        {
            var request = VolumeRequests.For(context, volume, context.ClientToken("vol" + volume.DeviceName.Replace('/', '-'))) with
            {
                SnapshotId = context.State.LatestSnapshots.FirstOrDefault(s => s.DeviceName == volume.DeviceName)?.SnapshotId,
            };
            await context.Volume(volume.DeviceName).EnsureCreatedAsync(request, context.CancellationToken);
        }

        return StepResult.Done(context.State);
    }
}
