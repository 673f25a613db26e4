using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// One managed instance: validates and keeps its spec, runs the create and recovery sagas one persisted step at
/// a time (a grain timer paces the steps, a reminder wakes the grain after a crash), and keeps the timeline.
/// </summary>
public sealed partial class ManagedInstanceGrain(
    [PersistentState("managed-instance", StorageNames.Instances)] IPersistentState<ManagedInstanceState> store,
    IEc2Api ec2,
    IOptions<ManagedInstanceOptions> options,
    TimeProvider time,
    ILogger<ManagedInstanceGrain> logger) : Grain, IManagedInstanceGrain, IRemindable
{
    private const string ReminderName = "saga";
    private readonly ManagedInstanceOptions _options = options.Value;
    private readonly ManagedInstanceSteps _steps = new(ec2);
    private IGrainTimer? _timer;

    private string Id => this.GetPrimaryKeyString();

    private ManagedInstanceState State => store.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Operation is not null)
        {
            await EnsureDrivenAsync(cancellationToken);
        }
    }

    public async Task<ManagedInstanceView> CreateAsync(ManagedInstanceSpec spec, CancellationToken cancellationToken = default)
    {
        if (State.Spec is not null)
        {
            return SameSpec(State.Spec, spec)
                ? ManagedInstanceViews.From(Id, State)
                : throw new InvalidSpecException([$"Managed instance '{Id}' already exists with a different spec; choose another id."]);
        }

        var problems = SpecValidator.Validate(spec);
        if (problems.Count > 0)
        {
            throw new InvalidSpecException(problems);
        }

        var zone = await _steps.ResolveZoneAsync(spec, cancellationToken);
        await GrainFactory.GetGrain<IManagedInstanceRegistryGrain>(IManagedInstanceRegistryGrain.Key).RegisterAsync(Id, cancellationToken);

        var now = time.GetUtcNow();
        var first = SagaPlan.First(OperationKind.Create);
        store.State = new ManagedInstanceState
        {
            Spec = spec,
            Status = ManagedInstanceStatus.Creating,
            Generation = 1,
            AvailabilityZone = zone,
            Operation = new SagaCursor { Kind = OperationKind.Create, Trigger = OperationTrigger.User, Step = first, StartedAt = now, StepStartedAt = now },
        };
        await store.WriteStateAsync(cancellationToken);
        LogOperationStarted(Id, OperationKind.Create, OperationTrigger.User, 1);
        await EnsureDrivenAsync(cancellationToken);
        return ManagedInstanceViews.From(Id, State);
    }

    public Task<ManagedInstanceView> GetAsync(CancellationToken cancellationToken = default) =>
        State.Spec is null
            ? Task.FromException<ManagedInstanceView>(new ManagedInstanceNotFoundException(Id))
            : Task.FromResult(ManagedInstanceViews.From(Id, State));

    public async Task AcceptNoticeAsync(Ec2Event notice, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var decision = NoticePolicy.Decide(notice, State, now);
        if (decision.Action == NoticeAction.Ignore)
        {
            LogNoticeIgnored(Id, notice.Kind, notice.InstanceId, notice.EventId, decision.Reason);
            return;
        }

        var generation = State.Generation + 1;
        var history = State.Operation is { } abandoned
            ? Append(State.History, ManagedInstanceViews.Record(abandoned, State.Generation, now, "superseded by a recovery"))
            : State.History;
        var first = SagaPlan.First(OperationKind.Recycle);
        store.State = State with
        {
            Status = ManagedInstanceStatus.Recycling,
            Generation = generation,
            History = history,
            LastError = null,
            RecentNoticeIds = [.. State.RecentNoticeIds.Append(notice.EventId).TakeLast(_options.RecentNoticeCapacity)],
            Operation = new SagaCursor
            {
                Kind = OperationKind.Recycle,
                Trigger = decision.Trigger,
                Step = first,
                StartedAt = now,
                StepStartedAt = now,
                OldInstanceId = notice.InstanceId,
                NoticeId = notice.EventId,
                NoticeAt = notice.Time,
                DrainDeadline = decision.DrainDeadline,
            },
        };
        await store.WriteStateAsync(cancellationToken);
        LogOperationStarted(Id, OperationKind.Recycle, decision.Trigger, generation);
        await EnsureDrivenAsync(cancellationToken);
    }

    public Task WakeAsync(CancellationToken cancellationToken = default) =>
        State.Operation is null ? Task.CompletedTask : EnsureDrivenAsync(cancellationToken);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.Operation is null)
        {
            await StopDrivingAsync();
            return;
        }

        await EnsureDrivenAsync(CancellationToken.None);
    }

    private async Task EnsureDrivenAsync(CancellationToken cancellationToken)
    {
        await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = _options.PollInterval,
            KeepAlive = true,
        });
    }

    private async Task StopDrivingAsync()
    {
        _timer?.Dispose();
        _timer = null;
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        await AdvanceAsync(cancellationToken);
        if (State.Operation is null)
        {
            await StopDrivingAsync();
        }
    }

    /// <summary>Runs steps until one has to wait for EC2, fails, or the operation is done.</summary>
    private async Task AdvanceAsync(CancellationToken cancellationToken)
    {
        while (State.Operation is { } operation && !cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (operation.NextAttemptAt is { } next && next > now)
            {
                return;
            }

            StepResult result;
            try
            {
                var context = new StepContext(Id, State, now, GrainFactory, store, cancellationToken);
                result = await _steps.ExecuteAsync(context);
            }
            catch (SagaStepFailedException failure)
            {
                await FailAsync(operation, failure.Message, cancellationToken);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                await RetryAsync(operation, exception, cancellationToken);
                return;
            }

            if (result.State is null)
            {
                if (now - operation.StepStartedAt > _options.StepTimeout)
                {
                    await FailAsync(operation, $"timed out after {_options.StepTimeout} waiting for {result.WaitingFor}", cancellationToken);
                }

                return;
            }

            await CompleteStepAsync(result.State, cancellationToken);
        }
    }

    private async Task CompleteStepAsync(ManagedInstanceState updated, CancellationToken cancellationToken)
    {
        var operation = updated.Operation!;
        var now = time.GetUtcNow();
        var nextStep = SagaPlan.Next(operation.Kind, operation.Step);
        LogStepCompleted(Id, operation.Kind, operation.Step, now - operation.StepStartedAt);
        if (nextStep != SagaStep.Done)
        {
            store.State = updated with { Operation = operation.AdvanceTo(nextStep, now) };
            await store.WriteStateAsync(cancellationToken);
            return;
        }

        var record = ManagedInstanceViews.Record(operation, updated.Generation, now, error: null);
        store.State = updated with
        {
            Status = ManagedInstanceStatus.Active,
            Operation = null,
            LastError = null,
            History = Append(updated.History, record),
        };
        await store.WriteStateAsync(cancellationToken);
        LogOperationCompleted(Id, operation.Kind, updated.Generation, updated.InstanceId, record.Downtime);
    }

    private async Task RetryAsync(SagaCursor operation, Exception exception, CancellationToken cancellationToken)
    {
        var kind = Ec2Errors.Classify(exception);
        var error = Ec2Errors.Describe(exception);
        var attempts = operation.Attempts + 1;
        if (!Ec2Errors.IsRetryable(kind) || attempts >= _options.MaxStepAttempts)
        {
            await FailAsync(operation, $"{error} (after {attempts} attempt(s))", cancellationToken);
            return;
        }

        var delay = TimeSpan.FromTicks(Math.Min(_options.RetryMaxDelay.Ticks, _options.RetryBaseDelay.Ticks << Math.Min(attempts - 1, 20)));
        LogStepRetry(Id, operation.Step, attempts, delay, error);
        store.State = State with
        {
            Operation = operation with { Attempts = attempts, NextAttemptAt = time.GetUtcNow() + delay, LastError = error },
        };
        await store.WriteStateAsync(cancellationToken);
    }

    private async Task FailAsync(SagaCursor operation, string error, CancellationToken cancellationToken)
    {
        var message = $"{operation.Kind} failed at step {operation.Step}: {error}";
        LogOperationFailed(Id, operation.Kind, operation.Step, error);
        store.State = State with
        {
            Status = ManagedInstanceStatus.Error,
            Operation = null,
            LastError = message,
            History = Append(State.History, ManagedInstanceViews.Record(operation, State.Generation, time.GetUtcNow(), message)),
        };
        await store.WriteStateAsync(cancellationToken);
    }

    private IReadOnlyList<OperationRecord> Append(IReadOnlyList<OperationRecord> history, OperationRecord record) =>
        [.. history.Append(record).TakeLast(_options.HistoryLength)];

    private static bool SameSpec(ManagedInstanceSpec a, ManagedInstanceSpec b) =>
        JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);
}
