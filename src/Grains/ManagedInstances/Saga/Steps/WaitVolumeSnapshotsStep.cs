namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Waits for the final data snapshots; then the data lives in them: the next volumes are built from them, and the old
/// volumes become stale, deleted once the replacement runs.
/// </summary>
public sealed class WaitVolumeSnapshotsStep : ISagaStep
{
    public SagaStep Step => SagaStep.WaitVolumeSnapshots;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var finals = context.Operation.VolumeSnapshots;
        if (finals.Count == 0)
        {
            return StepResult.Done(context.State);
        }

        if (await FinalSnapshots.WaitCompletedAsync(context, finals) is { } waiting)
        {
            return waiting;
        }

        return StepResult.Done(context.State with
        {
            LatestSnapshots = [.. context.State.LatestSnapshots.Where(s => finals.All(f => f.DeviceName != s.DeviceName)), .. finals],
            StaleVolumeIds = [.. context.State.StaleVolumeIds.Union(finals.Select(f => f.VolumeId), StringComparer.Ordinal)],
        });
    }
}
