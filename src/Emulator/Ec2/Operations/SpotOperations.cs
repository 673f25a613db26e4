using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>
/// Spot signals: the interruption warning (the action follows after the notice lead), the rebalance recommendation
/// (optionally followed by the warning), and capacity withdrawal, which reclaims the newest running Spot instances
/// beyond a pool's capacity. Control-plane errors: <see cref="KeyNotFoundException"/> for an unknown instance,
/// <see cref="InvalidOperationException"/> for one in the wrong situation.
/// </summary>
internal sealed class SpotOperations(Ec2Context ctx, CapacityOperations capacity)
{
    /// <summary>Issues the interruption warning now; the instance starts shutting down after the notice lead.</summary>
    public InterruptionNotice Interrupt(EmulatorState state, string instanceId)
    {
        var instance = RunningSpot(state, instanceId, "interrupted");
        if (instance.InterruptionNoticeTime is { } earlier)
        {
            throw new InvalidOperationException(
                $"Instance '{instanceId}' already received an interruption warning at {earlier:O}; it is interrupted at {instance.InterruptionActionTime:O}.");
        }

        return Warn(state, instance);
    }

    /// <summary>Issues a rebalance recommendation now; with <paramref name="interruptAfter"/> (simulated) the warning follows.</summary>
    public RebalanceNotice RecommendRebalance(EmulatorState state, string instanceId, TimeSpan? interruptAfter)
    {
        var instance = RunningSpot(state, instanceId, "sent a rebalance recommendation");
        if (interruptAfter is not null && instance.IsBeingReclaimed)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' already has an interruption warning issued or scheduled.");
        }

        return Rebalance(state, instance, interruptAfter);
    }

    /// <summary>Sets a pool's capacity; running Spot instances beyond it are reclaimed, newest first.</summary>
    public CapacityChange SetCapacity(EmulatorState state, string instanceType, string zone, string market, int? newCapacity, TimeSpan? rebalanceLead)
    {
        capacity.Set(state, instanceType, zone, market, newCapacity);
        var (interruptions, rebalances) = market == Catalog.SpotMarket ? Reclaim(state, instanceType, zone, rebalanceLead) : ([], []);
        var usage = capacity.Usage(state, instanceType, zone, market);
        return new CapacityChange(instanceType, zone, market, usage.Capacity, usage.InUse, interruptions, rebalances);
    }

    /// <summary>After an instance starts running: a Spot pool over its capacity reclaims at once.</summary>
    public void OnInstanceRunning(EmulatorState state, Instance instance)
    {
        if (instance.IsSpot)
        {
            Reclaim(state, instance.InstanceType, instance.AvailabilityZone, rebalanceLead: null);
        }
    }

    /// <summary>Timed: the lead after a rebalance recommendation is over; a still-running Spot instance is warned.</summary>
    public void OnScheduledWarning(EmulatorState state, string instanceId)
    {
        if (state.Ec2.Instances.GetValueOrDefault(instanceId) is { State: InstanceStateName.Running, IsSpot: true, InterruptionNoticeTime: null } instance)
        {
            Warn(state, instance);
        }
    }

    private (List<InterruptionNotice> Interruptions, List<RebalanceNotice> Rebalances) Reclaim(
        EmulatorState state, string instanceType, string zone, TimeSpan? rebalanceLead)
    {
        var interruptions = new List<InterruptionNotice>();
        var rebalances = new List<RebalanceNotice>();
        var usage = capacity.Usage(state, instanceType, zone, Catalog.SpotMarket);
        if (usage.Capacity is not { } limit || usage.InUse <= limit)
        {
            return (interruptions, rebalances);
        }

        var victims = state.Ec2.Instances.Values
            .Where(i => i.IsSpot && i.InstanceType == instanceType && i.AvailabilityZone == zone && i.State == InstanceStateName.Running
                && !i.IsBeingReclaimed)
            .OrderByDescending(i => i.Sequence)
            .Take(usage.InUse - limit)
            .ToList();
        foreach (var victim in victims)
        {
            if (rebalanceLead is null)
            {
                interruptions.Add(Warn(state, victim));
            }
            else
            {
                rebalances.Add(Rebalance(state, victim, rebalanceLead));
            }
        }

        return (interruptions, rebalances);
    }

    private InterruptionNotice Warn(EmulatorState state, Instance instance)
    {
        var now = ctx.Now;
        var actionTime = now + ctx.Durations.InterruptionNoticeLead;
        instance.InterruptionNoticeTime = now;
        instance.InterruptionActionTime = actionTime;
        var eventId = ctx.Events.SpotInterruptionWarning(state, instance.InstanceId, now);
        state.Timeline.Schedule(actionTime, TransitionKind.InstanceInterruptionAction, instance.InstanceId);
        return new InterruptionNotice(instance.InstanceId, now, actionTime, eventId);
    }

    private RebalanceNotice Rebalance(EmulatorState state, Instance instance, TimeSpan? interruptAfter)
    {
        var now = ctx.Now;
        instance.RebalanceRecommendationTime = now;
        var eventId = ctx.Events.RebalanceRecommendation(state, instance.InstanceId, now);
        DateTimeOffset? warningAt = null;
        if (interruptAfter is { } lead)
        {
            warningAt = now + ctx.Durations.Simulated(lead);
            instance.ScheduledWarningTime = warningAt;
            state.Timeline.Schedule(warningAt.Value, TransitionKind.ScheduledInterruptionWarning, instance.InstanceId);
        }

        return new RebalanceNotice(instance.InstanceId, now, eventId, warningAt);
    }

    private static Instance RunningSpot(EmulatorState state, string instanceId, string what)
    {
        var instance = state.Ec2.Instances.GetValueOrDefault(instanceId)
            ?? throw new KeyNotFoundException($"Instance '{instanceId}' does not exist.");
        if (!instance.IsSpot)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is an on-demand instance; only Spot instances can be {what}.");
        }

        return instance.State == InstanceStateName.Running
            ? instance
            : throw new InvalidOperationException(
                $"Instance '{instanceId}' is '{instance.State.ToWire()}'; only a running Spot instance can be {what}.");
    }
}
