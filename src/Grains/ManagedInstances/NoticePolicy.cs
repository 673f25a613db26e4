using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

public enum NoticeAction
{
    Ignore = 0,
    Recycle = 1,

    /// <summary>The running operation waits on this instance's state: run its step now rather than at the next poll.</summary>
    Wake = 2,
}

/// <summary>What to do with one EC2 notice, and why.</summary>
public sealed record NoticeDecision(NoticeAction Action, string Reason, OperationTrigger Trigger = OperationTrigger.User, DateTimeOffset? DrainDeadline = null)
{
    public static NoticeDecision Ignore(string reason) => new(NoticeAction.Ignore, reason);

    public static NoticeDecision Wake(string reason) => new(NoticeAction.Wake, reason);
}

/// <summary>The pure decision function from (notice, managed instance state) to an action.</summary>
public static class NoticePolicy
{
    /// <summary>EC2 gives a Spot instance two minutes between the warning and the interruption.</summary>
    public static readonly TimeSpan InterruptionLead = TimeSpan.FromMinutes(2);

    /// <summary>
    /// EC2 itself takes an interrupted instance at the end of the warning: the saga terminates it only if EC2 has not
    /// begun a few seconds later, instead of racing EC2 with a TerminateInstances call per recovery.
    /// </summary>
    public static readonly TimeSpan TakeoverGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When a pre-staged recycle cuts over (detaches the volumes from the old instance): its drain deadline, but for a
    /// Spot interruption no later than <paramref name="lead"/> before EC2 takes the instance.
    /// </summary>
    public static DateTimeOffset? CutoverDeadline(SagaCursor cursor, TimeSpan lead) =>
        cursor is { Trigger: OperationTrigger.SpotInterruption, NoticeAt: { } notice, DrainDeadline: { } deadline } && notice + InterruptionLead - lead < deadline
            ? notice + InterruptionLead - lead
            : cursor.DrainDeadline;

    private static readonly HashSet<string> GoneStates = ["stopping", "stopped", "shutting-down", "terminated"];

    /// <summary>Whether a notice could ever lead to an action; cheap filter before any state is read.</summary>
    public static bool IsActionable(Ec2Event notice) => notice.Kind switch
    {
        Ec2EventKind.InstanceStateChange => notice.Detail is not null && GoneStates.Contains(notice.Detail),
        _ => true,
    };

    public static NoticeDecision Decide(Ec2Event notice, ManagedInstanceState state, DateTimeOffset now)
    {
        if (state.Spec is null)
        {
            return NoticeDecision.Ignore("the managed instance does not exist");
        }

        if (state.RecentNoticeIds.Contains(notice.EventId))
        {
            return NoticeDecision.Ignore("duplicate notice");
        }

        if (state.Operation is { } waiting && notice.Kind == Ec2EventKind.InstanceStateChange && WaitsOn(waiting, notice))
        {
            return NoticeDecision.Wake($"the running {waiting.Kind} waits on {notice.InstanceId}");
        }

        if (notice.InstanceId != state.InstanceId)
        {
            return NoticeDecision.Ignore("the instance is not the managed instance's current one (already replaced)");
        }

        if (state.Operation is { } running && running.OldInstanceId == notice.InstanceId)
        {
            return NoticeDecision.Ignore($"a {running.Kind} that takes this instance away is already under way");
        }

        if (state.Status is ManagedInstanceStatus.Pausing or ManagedInstanceStatus.Paused
            or ManagedInstanceStatus.Deleting or ManagedInstanceStatus.Deleted)
        {
            return NoticeDecision.Ignore($"the managed instance is {state.Status}");
        }

        var drainLimit = state.Spec.Strategy.DrainingTimeout is { } draining && draining < InterruptionLead ? draining : InterruptionLead;
        return notice.Kind switch
        {
            Ec2EventKind.SpotInterruptionWarning =>
                Recycle(OperationTrigger.SpotInterruption, notice.Time + drainLimit + (drainLimit == InterruptionLead ? TakeoverGrace : TimeSpan.Zero)),
            Ec2EventKind.CapacityReservationInterruptionWarning =>
                Recycle(OperationTrigger.CapacityReservationInterruption, notice.Time + drainLimit),
            Ec2EventKind.InstanceStateChange when IsActionable(notice) =>
                Recycle(OperationTrigger.InstanceStateChange, now),
            Ec2EventKind.ScheduledChange =>
                Recycle(OperationTrigger.ScheduledChange, now + drainLimit),
            Ec2EventKind.InstanceStateChange => NoticeDecision.Ignore($"state '{notice.Detail}' needs no action"),
            Ec2EventKind.RebalanceRecommendation => DecideRebalance(state.Spec.Strategy, now),
            _ => NoticeDecision.Ignore($"unknown notice kind {notice.Kind}"),
        };

        static NoticeDecision Recycle(OperationTrigger trigger, DateTimeOffset drainDeadline) =>
            new(NoticeAction.Recycle, "the instance is being taken away", trigger, drainDeadline);
    }

    /// <summary>
    /// Whether the running operation waits on the instance of a state change: the old instance (or one a superseded
    /// operation left) going away, or the new instance starting. The current instance going away is a new interruption.
    /// </summary>
    private static bool WaitsOn(SagaCursor operation, Ec2Event notice)
    {
        var id = notice.InstanceId;
        if (id == operation.OldInstanceId || operation.AlsoTerminate.Contains(id))
        {
            return true;
        }

        return id == operation.NewInstanceId && !IsActionable(notice);
    }

    private static NoticeDecision DecideRebalance(StrategySpec strategy, DateTimeOffset now)
    {
        if (strategy.OnRebalanceRecommendation != RebalanceAction.Recycle)
        {
            return NoticeDecision.Ignore("rebalance recommendations are set to be ignored");
        }

        if (strategy.OptimizationWindows.Count > 0 && !OptimizationWindow.AnyContains(strategy.OptimizationWindows, now))
        {
            return NoticeDecision.Ignore("the rebalance recommendation came outside the optimization windows");
        }

        return new NoticeDecision(NoticeAction.Recycle, "recycling ahead of a likely interruption",
            OperationTrigger.RebalanceRecommendation, Draining.Deadline(strategy, now));
    }
}
