using Amazon.EC2.Model;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.Reconciliation;

/// <summary>
/// What the reconciliation loop keeps of an Active managed instance between passes: only what it compares with EC2,
/// not the whole view (a fleet of ten thousand would otherwise live twice in the reconciler's silo).
/// </summary>
public sealed record SettledInstance(string InstanceId, IReadOnlyList<string> VolumeIds, bool MayRevertToSpot)
{
    /// <summary>The part of <paramref name="view"/> the loop compares; null unless it is Active on an instance.</summary>
    public static SettledInstance? Of(ManagedInstanceView view) => view is { Status: ManagedInstanceStatus.Active, InstanceId: { } instanceId }
        ? new SettledInstance(instanceId, [.. view.Volumes.Select(v => v.VolumeId).OfType<string>()],
            view is { Market: "on-demand", Spec.Strategy: { LifeCycle: LifeCycle.Spot, RevertToSpot: not RevertToSpot.Never } })
        : null;
}

/// <summary>
/// What one reconciliation pass keeps of an EC2 instance: its state, the volumes attached to it, the managed instance
/// its tag names and when it was launched.
/// </summary>
public sealed record ObservedInstance(string? State, IReadOnlyList<string> AttachedVolumeIds, string? Owner = null, DateTimeOffset? LaunchedAt = null,
    string? Cluster = null)
{
    public static ObservedInstance Of(Instance instance) =>
        new(instance.State?.Name?.Value, [.. (instance.BlockDeviceMappings ?? []).Select(b => b.Ebs?.VolumeId).OfType<string>()],
            instance.Tags?.FirstOrDefault(t => t.Key == TagKeys.ManagedInstance)?.Value,
            instance.LaunchTime is { } launched ? new DateTimeOffset(DateTime.SpecifyKind(launched, DateTimeKind.Utc)) : null,
            instance.Tags?.FirstOrDefault(t => t.Key == TagKeys.Cluster)?.Value);
}

/// <summary>Which observations are worth a managed instance's attention; pure.</summary>
public static class ObservationFilter
{
    /// <summary>
    /// Whether the managed instance could act on what EC2 shows: its instance is not running (or not listed), one of
    /// its volumes is not attached, or it runs on-demand with a strategy that may take it back to Spot. Anything else,
    /// it would answer "nothing to do", so it is not asked (and not woken).
    /// </summary>
    public static bool MayNeedAction(SettledInstance settled, ObservedInstance? instance)
    {
        if (instance?.State != "running")
        {
            return true;
        }

        return settled.VolumeIds.Any(id => !instance.AttachedVolumeIds.Contains(id, StringComparer.Ordinal)) || settled.MayRevertToSpot;
    }
}

/// <summary>Which instances tagged as ours may be leftovers no state records; pure.</summary>
public static class UnrecordedInstances
{
    /// <summary>
    /// The instances of cluster <paramref name="clusterId"/> no settled managed instance names, launched more than
    /// <paramref name="grace"/> before <paramref name="now"/>, with whether their owner is a registered managed instance
    /// (then it is asked before anything is done; an owner that is not registered does not exist). An instance without
    /// this cluster's tag is never a candidate: another StatefulSpot cluster in the account, or an older build, launched it.
    /// </summary>
    public static IReadOnlyList<(string InstanceId, string Owner, bool Registered)> Candidates(
        IReadOnlyDictionary<string, ObservedInstance> instances, IReadOnlySet<string> recorded, IReadOnlySet<string> registered,
        DateTimeOffset now, TimeSpan grace, string clusterId) =>
        [.. instances
            .Where(i => !recorded.Contains(i.Key) && i.Value is { Owner: not null, LaunchedAt: { } launched } && now - launched >= grace
                && i.Value.State is not "shutting-down" && string.Equals(i.Value.Cluster, clusterId, StringComparison.Ordinal))
            .Select(i => (i.Key, i.Value.Owner!, registered.Contains(i.Value.Owner!)))];
}
