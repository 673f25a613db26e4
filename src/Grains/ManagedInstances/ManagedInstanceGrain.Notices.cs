using Microsoft.Extensions.Logging;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>EC2 notices and the reconciliation loop's observations: when they start a recovery or a repair.</summary>
public sealed partial class ManagedInstanceGrain
{
    public Task AcceptNoticeAsync(Ec2Event notice, CancellationToken cancellationToken = default) =>
        RecoverAsync(notice, triggerOverride: null, cancellationToken);

    public async Task<bool> ReconcileAsync(InstanceObservation observation, CancellationToken cancellationToken = default)
    {
        // Only a settled managed instance, observed by a listing that started after its last operation ended.
        if (State is not { Status: ManagedInstanceStatus.Active, Operation: null } || State.InstanceId != observation.InstanceId
            || State.History.LastOrDefault()?.FinishedAt > observation.ObservedAt)
        {
            return false;
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
            LogDrift(Id, observation.InstanceId, observation.State ?? "no longer listed");
            return await RecoverAsync(gone, OperationTrigger.Reconciliation, cancellationToken);
        }

        var detached = State.Volumes.Where(v => v.VolumeId is not null && !observation.AttachedVolumeIds.Contains(v.VolumeId)).ToList();
        if (observation.State == "running" && detached.Count == 0 && RevertPolicy.ShouldRevert(State, time.GetUtcNow()))
        {
            var spec = State.Spec!;
            var now = time.GetUtcNow();
            store.State = State with { Generation = State.Generation + 1 };
            await StartAsync(OperationKind.Recycle, OperationTrigger.RevertToSpot,
                cursor => cursor with { OldInstanceId = State.InstanceId, DrainDeadline = now + (spec.Strategy.DrainingTimeout ?? TimeSpan.Zero) },
                cancellationToken);
            return true;
        }

        if (observation.State != "running" || detached.Count == 0)
        {
            return false;
        }

        LogDrift(Id, observation.InstanceId, $"volume(s) {string.Join(", ", detached.Select(v => v.VolumeId))} not attached");
        await StartAsync(OperationKind.Repair, OperationTrigger.Reconciliation,
            cursor => cursor with { NewInstanceId = State.InstanceId }, cancellationToken);
        return true;
    }

    /// <summary>Starts a recovery for a notice, unless the notice policy says to ignore it.</summary>
    private async Task<bool> RecoverAsync(Ec2Event notice, OperationTrigger? triggerOverride, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var decision = NoticePolicy.Decide(notice, State, now);
        if (decision.Action == NoticeAction.Wake)
        {
            LogWoken(Id, notice.Kind, notice.EventId, notice.InstanceId, notice.Detail);
            WakeNow();
            return false;
        }

        if (decision.Action == NoticeAction.Ignore)
        {
            // A state change that asks nothing of us (pending, running...) is routine: it is not worth an information line.
            LogNoticeIgnored(NoticePolicy.IsActionable(notice) ? LogLevel.Information : LogLevel.Debug,
                Id, notice.Kind, notice.InstanceId, notice.EventId, decision.Reason);
            return false;
        }

        // The pool that took the instance away is not the place to launch the replacement for a while.
        var avoided = State is { InstanceType: { } type, AvailabilityZone: { } zone, Market: { } market }
            ? PlacementRules.Avoid(State.AvoidedPools, PlacementRules.Pool(type, zone, market), now, _options.CapacityPoolAvoidance)
            : State.AvoidedPools;
        store.State = State with
        {
            Generation = State.Generation + 1,
            AvoidedPools = avoided,
            RecentNoticeIds = [.. State.RecentNoticeIds.Append(notice.EventId).TakeLast(_options.RecentNoticeCapacity)],
        };
        await StartAsync(OperationKind.Recycle, triggerOverride ?? decision.Trigger, cursor => cursor with
        {
            OldInstanceId = notice.InstanceId,
            NoticeId = notice.EventId,
            NoticeAt = notice.Time,
            DrainDeadline = decision.DrainDeadline,
        }, cancellationToken);
        return true;
    }
}
