using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga;

/// <summary>Which replaced data volumes clean-up deletes, and which volumes the managed instance keeps.</summary>
public static class VolumeCleanup
{
    /// <summary>
    /// Stale volumes (captured in a final snapshot, or moved to another AZ) go unless they are still a current volume
    /// (one of <paramref name="held"/>, what the volume grains hold now); a pause deletes even those (its volumes live
    /// on in the final snapshots). The kept volumes are the current ones that are not stale.
    /// </summary>
    public static (IReadOnlyList<string> Delete, IReadOnlyList<VolumeView> Keep) Choose(
        ManagedInstanceState state, IReadOnlyList<VolumeView> held, OperationKind kind)
    {
        var current = held.Select(v => v.VolumeId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var stale = state.StaleVolumeIds.ToHashSet(StringComparer.Ordinal);
        var delete = stale.Where(id => !current.Contains(id) || kind == OperationKind.Pause).ToList();
        var keep = held.Where(v => v.VolumeId is null || !stale.Contains(v.VolumeId)).ToList();
        return (delete, keep);
    }
}
