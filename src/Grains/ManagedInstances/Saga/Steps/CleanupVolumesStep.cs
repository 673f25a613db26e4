using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Volumes;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// After the replacement runs: the data volumes <see cref="VolumeCleanup"/> chooses (captured in final snapshots, or
/// moved), detached volumes of ours that nothing recorded, and the per-device snapshots beyond retention.
/// </summary>
public sealed class CleanupVolumesStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.CleanupVolumes;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var held = await HeldVolumes.GetAsync(context);
        var (delete, keep) = VolumeCleanup.Choose(context.State, held, context.Operation.Kind);
        await ReplacedVolumes.DeleteAsync(context, ec2, held, delete);
        var unheld = new UnheldVolumes(ec2, context.ManagedInstanceId);
        await unheld.DeleteUntrackedAsync(Tracked.Ids(context.State, keep.Select(v => v.VolumeId).OfType<string>()), context.CancellationToken);
        await unheld.PruneDeviceSnapshotsAsync(context.Spec.Snapshots.Retention, SnapshotsInUse(context.State), context.CancellationToken);
        return StepResult.Done(context.State with { StaleVolumeIds = [] });
    }

    /// <summary>Snapshots that must stay whatever the retention: the sources of the next volumes, and the images' snapshots.</summary>
    public static IReadOnlySet<string> SnapshotsInUse(ManagedInstanceState state) =>
        state.LatestSnapshots.Select(s => s.SnapshotId).Concat(state.RootImages.Select(i => i.SnapshotId)).ToHashSet(StringComparer.Ordinal);
}
