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
        var now = time.GetUtcNow();
        var action = ReconcileRules.Decide(observation, State, await HeldVolumesAsync(State, cancellationToken), now);
        switch (action.Kind)
        {
            case ReconcileActionKind.Recover:
                LogDrift(Id, observation.InstanceId, action.Drift!);
                return await RecoverAsync(action.Notice!, OperationTrigger.Reconciliation, cancellationToken);
            case ReconcileActionKind.RevertToSpot:
                var spec = State.Spec!;
                store.State = State.NextGeneration();
                await StartAsync(OperationKind.Recycle, OperationTrigger.RevertToSpot,
                    cursor => cursor with { OldInstanceId = State.InstanceId, DrainDeadline = Draining.Deadline(spec, now) }, cancellationToken);
                return true;
            case ReconcileActionKind.Repair:
                LogDrift(Id, observation.InstanceId, action.Drift!);
                await StartAsync(OperationKind.Repair, OperationTrigger.Reconciliation,
                    cursor => cursor with { NewInstanceId = State.InstanceId }, cancellationToken);
                return true;
            default:
                return false;
        }
    }

    public Task<UnrecordedArtifactIds> UnrecordedArtifactsAsync(IReadOnlyList<string> imageIds, IReadOnlyList<string> snapshotIds,
        CancellationToken cancellationToken = default)
    {
        var (images, snapshots) = Reconciliation.UnrecordedArtifacts.Of(State, imageIds, snapshotIds);
        return Task.FromResult(new UnrecordedArtifactIds(images, snapshots));
    }

    public Task<bool> IsUnrecordedAsync(string instanceId, CancellationToken cancellationToken = default) =>
        Task.FromResult(State.Spec is null || State.Status == ManagedInstanceStatus.Deleted
            || (State.Operation is null && instanceId != State.InstanceId && instanceId != State.ImportedFrom));

    /// <summary>
    /// Keeps the state a state-change event reported for the step's next run. A terminated instance stays terminated
    /// whatever older event arrives after it.
    /// </summary>
    private void Report(Ec2Event notice)
    {
        if (notice is { Kind: Ec2EventKind.InstanceStateChange, Detail: { } reported }
            && _reported.GetValueOrDefault(notice.InstanceId) != "terminated")
        {
            _reported[notice.InstanceId] = reported;
        }

        if (notice is { Kind: Ec2EventKind.InstanceStateChange, Detail: "shutting-down" or "stopping" or "terminated" or "stopped" }
            && (!_reportedLeftRunning.TryGetValue(notice.InstanceId, out var known) || notice.Time < known))
        {
            _reportedLeftRunning[notice.InstanceId] = notice.Time;
        }
    }

    /// <summary>Starts a recovery for a notice, unless the notice policy says to ignore it.</summary>
    private async Task<bool> RecoverAsync(Ec2Event notice, OperationTrigger? triggerOverride, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var decision = NoticePolicy.Decide(notice, State, now);
        if (decision.Action == NoticeAction.Wake)
        {
            LogWoken(Id, notice.Kind, notice.EventId, notice.InstanceId, notice.Detail);
            Report(notice);
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
        store.State = State.NextGeneration() with
        {
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
