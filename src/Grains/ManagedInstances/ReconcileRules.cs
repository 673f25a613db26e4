using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>What the reconciliation loop's observation of a managed instance asks the grain to do.</summary>
public enum ReconcileActionKind
{
    /// <summary>Nothing: the instance is as it should be, or the observation says nothing about the current state.</summary>
    None = 0,

    /// <summary>The instance died without a notice: recover as if the notice had come.</summary>
    Recover = 1,

    /// <summary>An on-demand fallback may go back to Spot now: recycle.</summary>
    RevertToSpot = 2,

    /// <summary>The instance runs but volumes are detached: reattach them.</summary>
    Repair = 3,
}

/// <summary>An action, the notice a recovery stands on, and what drifted (for the log).</summary>
public sealed record ReconcileAction(ReconcileActionKind Kind, Ec2Event? Notice = null, string? Drift = null)
{
    public static readonly ReconcileAction None = new(ReconcileActionKind.None);
}

/// <summary>The reconcile decision tree; pure, the grain executes its answer.</summary>
public static class ReconcileRules
{
    /// <summary>
    /// What to do about <paramref name="observation"/>; <paramref name="held"/> are the data volumes the managed
    /// instance's volume grains hold, each of which the observed instance should have attached.
    /// </summary>
    public static ReconcileAction Decide(InstanceObservation observation, ManagedInstanceState state, IReadOnlyList<VolumeView> held, DateTimeOffset now)
    {
        // Only a settled managed instance, observed by a listing that started after its last operation ended.
        if (state is not { Status: ManagedInstanceStatus.Active, Operation: null } || state.InstanceId != observation.InstanceId
            || state.History.LastOrDefault()?.FinishedAt > observation.ObservedAt)
        {
            return ReconcileAction.None;
        }

        if (observation.State is null or "shutting-down" or "terminated" or "stopping" or "stopped")
        {
            var gone = new Ec2Event
            {
                EventId = $"reconcile-{observation.InstanceId}-{observation.State ?? "vanished"}",
                Kind = Ec2EventKind.InstanceStateChange,
                InstanceId = observation.InstanceId,
                Time = observation.ObservedAt,
                Detail = observation.State ?? "terminated",
            };
            return new ReconcileAction(ReconcileActionKind.Recover, gone, observation.State ?? "no longer listed");
        }

        var detached = held.Where(v => v.VolumeId is not null && !observation.AttachedVolumeIds.Contains(v.VolumeId)).ToList();
        if (observation.State == "running" && detached.Count == 0 && RevertPolicy.ShouldRevert(state, now))
        {
            return new ReconcileAction(ReconcileActionKind.RevertToSpot);
        }

        if (observation.State != "running" || detached.Count == 0)
        {
            return ReconcileAction.None;
        }

        return new ReconcileAction(ReconcileActionKind.Repair, Drift: $"volume(s) {string.Join(", ", detached.Select(v => v.VolumeId))} not attached");
    }
}

/// <summary>The drain deadline of an operation a user (or a policy) starts: now plus the spec's draining timeout.</summary>
public static class Draining
{
    public static DateTimeOffset Deadline(ManagedInstanceSpec spec, DateTimeOffset now) => Deadline(spec.Strategy, now);

    public static DateTimeOffset Deadline(StrategySpec strategy, DateTimeOffset now) => now + (strategy.DrainingTimeout ?? TimeSpan.Zero);
}
