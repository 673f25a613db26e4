using Microsoft.Extensions.Logging;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Ec2.Gateway;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances.Saga;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>Driving an operation: its cursor, running its steps, and how a step completes, retries or fails.</summary>
public sealed partial class ManagedInstanceGrain
{
    /// <summary>Checkpoints of one tick before the grain yields: far more than any step takes (one per device snapshot).</summary>
    private const int MaxCheckpointsPerTurn = 64;

    /// <summary>Starts an operation: writes its cursor (superseding any running one, which goes to the history) and drives it.</summary>
    private async Task StartAsync(OperationKind kind, OperationTrigger trigger, Func<SagaCursor, SagaCursor> shape, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var supersededRecord = State.Operation is { } superseded
            ? ManagedInstanceViews.Record(superseded, State.Generation, now, $"superseded by {kind}")
            : null;
        var history = supersededRecord is null ? State.History : Append(State.History, supersededRecord);
        var cursor = shape(new SagaCursor
        {
            Kind = kind,
            Trigger = trigger,
            Step = SagaStep.Done,
            StartedAt = now,
            StepStartedAt = now,
            Prestaged = kind == OperationKind.Recycle && SagaPlan.CanPrestage(State.Spec!),
        });
        var plan = SagaPlan.For(cursor, State.Spec!, State);
        cursor = cursor with
        {
            Plan = plan,
            Step = plan[0],
            DrainDeadline = plan.Contains(SagaStep.DetachVolumes) ? NoticePolicy.CutoverDeadline(cursor, _options.CutoverLead) : cursor.DrainDeadline,
        };
        cursor = cursor with
        {
            AlsoTerminate = Supersession.AlsoTerminate(State.Operation, cursor, State.ImportedFrom),
            SweepUnrecorded = Supersession.SweepsUnrecorded(State.Operation, cursor, State.Status),
        };
        store.State = State with { Status = StatusRules.Running(kind), Operation = cursor, History = history, LastError = null };
        await store.WriteStateAsync(cancellationToken);
        await OperationEndedAsync(supersededRecord, OperationOutcome.Superseded);
        LogOperationStarted(Id, kind, trigger, State.Generation);
        await EnsureDrivenAsync(cancellationToken);
    }

    /// <summary>Runs steps until one has to wait for EC2, fails, or the operation is done; returns what the last wait was on.</summary>
    private async Task<WaitKind> AdvanceAsync(CancellationToken cancellationToken)
    {
        var checkpoints = 0;
        var justStarted = false;
        var justCheckpointed = false;
        (Dictionary<string, string> States, Dictionary<string, DateTimeOffset> LeftRunning) reported = default;
        while (State.Operation is { } operation && !cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (operation.NextAttemptAt is { } next && next > now)
            {
                return WaitKind.Poll;
            }

            if (!SagaPlan.Knows(operation))
            {
                // Written by another version of StatefulSpot: an Error that says so, never a step that re-runs forever.
                await FailAsync(operation, $"step {operation.Step} is not part of this {operation.Kind}'s plan as this version of StatefulSpot "
                    + "knows it; recycle, resume or delete the managed instance to start a new operation", cancellationToken);
                return WaitKind.Poll;
            }

            StepResult result;
            try
            {
                // A step that checkpointed runs again on what the events told it: nothing happened in between.
                reported = justCheckpointed ? reported : TakeReported();
                var context = new StepContext(Id, State, now, GrainFactory, _options.CapacityPoolAvoidance, cancellationToken)
                {
                    ReportedStates = reported.States,
                    ReportedLeftRunning = reported.LeftRunning,
                    JustStarted = justStarted,
                    JustCheckpointed = justCheckpointed,
                    ClusterId = _clusterId,
                };
                justStarted = false;
                justCheckpointed = false;
                using (Ec2CallContext.Use(WaitRules.Priority(operation), operation.NoticeAt ?? operation.StartedAt))
                {
                    result = await TraceStepAsync(operation, () => _steps.ExecuteAsync(context));
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                result = StepResult.Fail(exception);
            }

            switch (result.Outcome)
            {
                case StepOutcome.Failed:
                    // The state a failing step carries (the pools it found without capacity) is written with the retry or the error.
                    store.State = result.State ?? State;
                    await (result.Failure is SagaStepFailedException failure
                        ? FailAsync(operation, failure.Message, cancellationToken)
                        : RetryAsync(operation, result.Failure!, cancellationToken));
                    return WaitKind.Poll;
                case StepOutcome.Wait:
                    if (result.State is { } learnt)
                    {
                        store.State = learnt;
                        await store.WriteStateAsync(cancellationToken);
                    }

                    if (now - operation.StepStartedAt > _options.StepTimeout)
                    {
                        await FailAsync(operation, $"timed out after {_options.StepTimeout} waiting for {result.WaitingFor}", cancellationToken);
                    }

                    return result.WaitKind;
                case StepOutcome.Checkpoint:
                    if (await CheckpointAsync(operation, result.State!, ++checkpoints, cancellationToken) is { } stop)
                    {
                        return stop;
                    }

                    justCheckpointed = true;
                    continue;
            }

            await CompleteStepAsync(result.State!, cancellationToken);
            justStarted = true;
            foreach (var listener in _listeners)
            {
                await listener.OnStepCompletedAsync(Id, operation.Kind, operation.Step, time.GetUtcNow() - operation.StepStartedAt, GrainContext);
            }
        }

        return WaitKind.Poll;
    }

    /// <summary>
    /// Persists a step's checkpoint (the same step, its state moved on) so that the step runs again at once; null to go
    /// on, or the wait to return when a step checkpoints without end (a bug: it then runs again on the next tick).
    /// </summary>
    private async Task<WaitKind?> CheckpointAsync(SagaCursor operation, ManagedInstanceState checkpoint, int count, CancellationToken cancellationToken)
    {
        if (checkpoint.Operation is not { } cursor || cursor.Step != operation.Step || cursor.Kind != operation.Kind)
        {
            await FailAsync(operation, $"the step checkpointed a cursor of another step ({checkpoint.Operation?.Step}); this is a bug", cancellationToken);
            return WaitKind.Poll;
        }

        store.State = checkpoint;
        await store.WriteStateAsync(cancellationToken);
        foreach (var listener in _listeners)
        {
            await listener.OnStepCheckpointedAsync(Id, operation.Kind, operation.Step, GrainContext);
        }

        return count < MaxCheckpointsPerTurn ? null : WaitKind.Poll;
    }

    private async Task CompleteStepAsync(ManagedInstanceState updated, CancellationToken cancellationToken)
    {
        var operation = updated.Operation!;
        var now = time.GetUtcNow();
        var nextStep = SagaPlan.Next(operation) ?? SagaStep.Done;
        LogStepCompleted(Id, operation.Kind, operation.Step, now - operation.StepStartedAt);
        if (nextStep != SagaStep.Done)
        {
            store.State = updated with { Operation = operation.AdvanceTo(nextStep, now) };
            await store.WriteStateAsync(cancellationToken);
            return;
        }

        var record = ManagedInstanceViews.Record(operation, updated.Generation, now, error: null);
        var instanceGone = operation.Kind is OperationKind.Pause
            || operation is { Kind: OperationKind.Delete, DeleteOptions.ShouldTerminateInstance: true };
        store.State = updated with
        {
            Status = StatusRules.Finished(operation.Kind),
            Operation = null,
            LastError = null,
            History = Append(updated.History, record),
            InstanceId = instanceGone ? null : updated.InstanceId,
            InstanceType = instanceGone ? null : updated.InstanceType,
            Market = instanceGone ? null : updated.Market,

            // A new instance has new volumes (a root from the image, onLaunch volumes): their first pass is due at once.
            LastSnapshotAt = operation is { Kind: not OperationKind.Repair, NewInstanceId: not null } ? null : updated.LastSnapshotAt,
        };
        await store.WriteStateAsync(cancellationToken);
        await EnsureSnapshottingAsync();
        LogOperationCompleted(Id, operation.Kind, updated.Generation, updated.InstanceId, record.Downtime);
        await OperationEndedAsync(record, OperationOutcome.Succeeded);
    }

    private async Task RetryAsync(SagaCursor operation, Exception exception, CancellationToken cancellationToken)
    {
        var kind = Ec2Errors.Classify(exception);
        var error = Ec2Errors.Describe(exception);
        var now = time.GetUtcNow();
        if (kind == Ec2ErrorKind.Throttled)
        {
            // EC2's API budget is short: waited out, never a failed attempt; the step timeout still bounds the wait.
            if (now - operation.StepStartedAt > _options.StepTimeout)
            {
                await FailAsync(operation, $"timed out after {_options.StepTimeout} waiting for EC2's API budget ({error})", cancellationToken);
                return;
            }

            var pause = WaitRules.Jittered(_options.RetryBaseDelay, Random.Shared.NextDouble());
            LogStepThrottled(Id, operation.Step, pause, error);
            store.State = State with { Operation = operation with { NextAttemptAt = now + pause, LastError = $"waiting for EC2's API budget: {error}" } };
            await store.WriteStateAsync(cancellationToken);
            return;
        }

        var attempts = operation.Attempts + 1;
        if (!Ec2Errors.IsRetryable(kind) || attempts >= _options.MaxStepAttempts)
        {
            await FailAsync(operation, $"{error} (after {attempts} attempt(s))", cancellationToken);
            return;
        }

        var delay = WaitRules.Backoff(_options.RetryBaseDelay, _options.RetryMaxDelay, attempts);
        LogStepRetry(Id, operation.Step, attempts, delay, error);
        store.State = State with
        {
            Operation = operation with { Attempts = attempts, NextAttemptAt = now + delay, LastError = error },
        };
        await store.WriteStateAsync(cancellationToken);
    }

    private async Task FailAsync(SagaCursor operation, string error, CancellationToken cancellationToken)
    {
        var message = $"{operation.Kind} failed at step {operation.Step}: {error}";
        LogOperationFailed(Id, operation.Kind, operation.Step, error);
        var record = ManagedInstanceViews.Record(operation, State.Generation, time.GetUtcNow(), message);
        store.State = State with
        {
            Status = ManagedInstanceStatus.Error,
            Operation = null,
            LastError = message,
            History = Append(State.History, record),
        };
        await store.WriteStateAsync(cancellationToken);
        await OperationEndedAsync(record, OperationOutcome.Failed);
    }

    private IReadOnlyList<OperationRecord> Append(IReadOnlyList<OperationRecord> history, OperationRecord record) =>
        [.. history.Append(record).TakeLast(_options.HistoryLength)];
}
