namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Reattach across an AZ change: a volume left in another AZ than the new instance gets a final snapshot (a
/// checkpoint each), and once they completed, its old id is recorded as stale (a checkpoint) before the volume grain
/// rebuilds it from the snapshot in the instance's AZ; the old volume is deleted at clean-up.
/// </summary>
public sealed class RelocateVolumesStep : ISagaStep
{
    public SagaStep Step => SagaStep.RelocateVolumes;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (!SnapshotRules.ReattachesVolumes(context.Spec))
        {
            return StepResult.Done(context.State);
        }

        var zone = context.State.AvailabilityZone!;
        var moving = (await HeldVolumes.GetAsync(context)).Where(v => v.AvailabilityZone is not null && v.AvailabilityZone != zone).ToList();
        if (moving.Count == 0)
        {
            return StepResult.Done(context.State);
        }

        if (await FinalSnapshots.TakeNextAsync(context, moving, "move", $"final before moving to {zone}") is { } taking)
        {
            return taking;
        }

        var finals = context.Operation.VolumeSnapshots.Where(s => moving.Any(v => v.VolumeId == s.VolumeId)).ToList();
        if (await FinalSnapshots.WaitCompletedAsync(context, finals, $" (moving to {zone})") is { } waiting)
        {
            return waiting;
        }

        if (finals.Any(f => !context.State.StaleVolumeIds.Contains(f.VolumeId, StringComparer.Ordinal)))
        {
            // The old ids are recorded before the volume grains take new volumes, so that whatever happens next deletes them.
            return StepResult.Checkpoint(context.State with
            {
                StaleVolumeIds = [.. context.State.StaleVolumeIds.Union(finals.Select(f => f.VolumeId), StringComparer.Ordinal)],
            });
        }

        // Each final was taken of a moving volume; a volume held comes from a mapping of the spec.
        foreach (var volume in moving)
        {
            var final = finals.First(f => f.VolumeId == volume.VolumeId);
            var mapping = context.Spec.LaunchSpecification.BlockDeviceMappings.First(b => b.DeviceName == volume.DeviceName);
            await context.Volume(volume.DeviceName).RelocateAsync(
                VolumeRequests.For(context, mapping, context.ClientToken("vol" + volume.DeviceName.Replace('/', '-') + "-" + zone)),
                final.SnapshotId, context.CancellationToken);
        }

        return StepResult.Done(context.State);
    }
}
