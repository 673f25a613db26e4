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
    IEnumerable<ISagaStepListener> listeners,
    ILogger<ManagedInstanceGrain> logger) : Grain, IManagedInstanceGrain, IRemindable
{
    private const string ReminderName = "saga";
    private readonly ManagedInstanceOptions _options = options.Value;
    private readonly ManagedInstanceSteps _steps = new(ec2);
    private readonly ISagaStepListener[] _listeners = [.. listeners];
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

        var zone = await ValidateAsync(spec, cancellationToken);
        await GrainFactory.GetGrain<IManagedInstanceRegistryGrain>(IManagedInstanceRegistryGrain.Key).RegisterAsync(Id, cancellationToken);
        store.State = new ManagedInstanceState { Spec = spec, Generation = 1, AvailabilityZone = zone };
        await StartAsync(OperationKind.Create, OperationTrigger.User, cursor => cursor, cancellationToken);
        return ManagedInstanceViews.From(Id, State);
    }

    public Task<ManagedInstanceView> GetAsync(CancellationToken cancellationToken = default) =>
        State.Spec is null
            ? Task.FromException<ManagedInstanceView>(new ManagedInstanceNotFoundException(Id))
            : Task.FromResult(ManagedInstanceViews.From(Id, State));

    public async Task<ManagedInstanceView> UpdateAsync(ManagedInstanceSpec spec, CancellationToken cancellationToken = default)
    {
        var current = Require("update");
        var problems = UpdateRules.Check(current, spec);
        if (problems.Count > 0)
        {
            throw new InvalidSpecException(problems);
        }

        var zone = await ValidateAsync(spec, cancellationToken);
        if (zone != State.AvailabilityZone && (State.NetworkInterfaceId is not null || State.Volumes.Count > 0))
        {
            throw new InvalidSpecException([$"'subnetIds' would move the instance from {State.AvailabilityZone} to {zone}, "
                + "but its network interface and volumes live in that AZ; keep a subnet of it first."]);
        }

        store.State = State with { Spec = spec };
        await store.WriteStateAsync(cancellationToken);
        LogUpdated(Id);
        return ManagedInstanceViews.From(Id, State);
    }

    public async Task<ManagedInstanceView> PauseAsync(CancellationToken cancellationToken = default)
    {
        var spec = Require("pause");
        var now = time.GetUtcNow();
        await StartAsync(OperationKind.Pause, OperationTrigger.User,
            cursor => cursor with { OldInstanceId = State.InstanceId, DrainDeadline = now + (spec.Strategy.DrainingTimeout ?? TimeSpan.Zero) },
            cancellationToken);
        return ManagedInstanceViews.From(Id, State);
    }

    public async Task<ManagedInstanceView> ResumeAsync(CancellationToken cancellationToken = default)
    {
        Require("resume");
        store.State = State with { Generation = State.Generation + 1 };
        await StartAsync(OperationKind.Resume, OperationTrigger.User, cursor => cursor, cancellationToken);
        return ManagedInstanceViews.From(Id, State);
    }

    public async Task<ManagedInstanceView> RecycleAsync(CancellationToken cancellationToken = default)
    {
        var spec = Require("recycle");
        var now = time.GetUtcNow();
        store.State = State with { Generation = State.Generation + 1 };
        await StartAsync(OperationKind.Recycle, OperationTrigger.User,
            cursor => cursor with { OldInstanceId = State.InstanceId, DrainDeadline = now + (spec.Strategy.DrainingTimeout ?? TimeSpan.Zero) },
            cancellationToken);
        return ManagedInstanceViews.From(Id, State);
    }

    public async Task<ManagedInstanceView> DeleteAsync(DeleteOptions options, CancellationToken cancellationToken = default)
    {
        Require("delete");
        if (!options.ShouldTerminateInstance && State.InstanceId is not null
            && (options.ShouldDeleteVolumes || options.ShouldDeleteNetworkInterfaces))
        {
            throw new InvalidRequestException("The instance keeps running (shouldTerminateInstance is false), so its volumes and "
                + "network interface are in use and cannot be deleted; set shouldTerminateInstance, or keep them.");
        }

        var now = time.GetUtcNow();
        await StartAsync(OperationKind.Delete, OperationTrigger.User,
            cursor => cursor with { OldInstanceId = State.InstanceId, DrainDeadline = now, DeleteOptions = options },
            cancellationToken);
        return ManagedInstanceViews.From(Id, State);
    }

    public async Task<ManagedInstanceView> DeleteVolumeAsync(string deviceName, CancellationToken cancellationToken = default)
    {
        var spec = Require("delete-volume");
        var mappings = spec.LaunchSpecification.BlockDeviceMappings;
        if (!mappings.Any(b => b.DeviceName == deviceName))
        {
            throw new InvalidRequestException($"Managed instance '{Id}' has no data volume at '{deviceName}'; its devices are "
                + $"{string.Join(", ", mappings.Select(b => b.DeviceName).DefaultIfEmpty("none"))}.");
        }

        // The volume goes first: if it fails, the spec still names it and the call can be repeated.
        await GrainFactory.GetGrain<IVolumeGrain>(ResourceKeys.For(Id, deviceName)).DeleteAsync(cancellationToken);
        store.State = State with
        {
            Spec = spec with
            {
                LaunchSpecification = spec.LaunchSpecification with { BlockDeviceMappings = [.. mappings.Where(b => b.DeviceName != deviceName)] },
            },
            Volumes = [.. State.Volumes.Where(v => v.DeviceName != deviceName)],
        };
        await store.WriteStateAsync(cancellationToken);
        return ManagedInstanceViews.From(Id, State);
    }

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
        if (decision.Action == NoticeAction.Ignore)
        {
            LogNoticeIgnored(Id, notice.Kind, notice.InstanceId, notice.EventId, decision.Reason);
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

    /// <summary>Starts an operation: writes its cursor (superseding any running one, which goes to the history) and drives it.</summary>
    private async Task StartAsync(OperationKind kind, OperationTrigger trigger, Func<SagaCursor, SagaCursor> shape, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var history = State.Operation is { } superseded
            ? Append(State.History, ManagedInstanceViews.Record(superseded, State.Generation, now, $"superseded by {kind}"))
            : State.History;
        var cursor = shape(new SagaCursor
        {
            Kind = kind,
            Trigger = trigger,
            Step = SagaStep.Done,
            StartedAt = now,
            StepStartedAt = now,
            Prestaged = kind == OperationKind.Recycle && SagaPlan.CanPrestage(State.Spec!),
        });
        cursor = cursor with { Step = SagaPlan.First(kind, cursor.Prestaged) };
        store.State = State with { Status = StatusRules.Running(kind), Operation = cursor, History = history, LastError = null };
        await store.WriteStateAsync(cancellationToken);
        LogOperationStarted(Id, kind, trigger, State.Generation);
        await EnsureDrivenAsync(cancellationToken);
    }

    /// <summary>The spec, if the managed instance exists and its status allows <paramref name="operation"/>.</summary>
    private ManagedInstanceSpec Require(string operation) => State.Spec is null || State.Status == ManagedInstanceStatus.Deleted
        ? throw new ManagedInstanceNotFoundException(Id)
        : StatusRules.Allows(State.Status, operation)
            ? State.Spec
            : throw new InvalidTransitionException(Id, State.Status, operation);

    /// <summary>Validates a spec, statically and against EC2; returns the AZ it lives in.</summary>
    private async Task<string> ValidateAsync(ManagedInstanceSpec spec, CancellationToken cancellationToken)
    {
        var problems = SpecValidator.Validate(spec);
        if (problems.Count > 0)
        {
            throw new InvalidSpecException(problems);
        }

        var zone = await _steps.ResolveZoneAsync(spec, cancellationToken);
        if (spec.Network.PrivateIpPool is { } poolName)
        {
            await CheckPoolAsync(spec, poolName, cancellationToken);
        }

        return zone;
    }

    /// <summary>The pool must exist, serve the first subnet, and have an address for this managed instance.</summary>
    private async Task CheckPoolAsync(ManagedInstanceSpec spec, string poolName, CancellationToken cancellationToken)
    {
        IpPoolView pool;
        try
        {
            pool = await GrainFactory.GetGrain<IIpPoolGrain>(poolName).GetAsync(cancellationToken);
        }
        catch (IpPoolNotFoundException)
        {
            throw new InvalidSpecException([$"'network.privateIpPool' names '{poolName}', which is not defined; define the pool first."]);
        }

        if (pool.SubnetId != spec.SubnetIds[0])
        {
            throw new InvalidSpecException([$"IP pool '{poolName}' serves {pool.SubnetId}, but 'subnetIds' starts with {spec.SubnetIds[0]}; use the pool's subnet."]);
        }

        if (pool.FreeCount <= 0 && !pool.Leases.Values.Contains(Id))
        {
            throw new InvalidSpecException([$"IP pool '{poolName}' is exhausted: all {pool.Addresses.Count} addresses are taken; add addresses or use another pool."]);
        }
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
                var context = new StepContext(Id, State, now, GrainFactory, store, _options.CapacityPoolAvoidance, cancellationToken);
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
            foreach (var listener in _listeners)
            {
                await listener.OnStepCompletedAsync(Id, operation.Kind, operation.Step, time.GetUtcNow() - operation.StepStartedAt, GrainContext);
            }
        }
    }

    private async Task CompleteStepAsync(ManagedInstanceState updated, CancellationToken cancellationToken)
    {
        var operation = updated.Operation!;
        var now = time.GetUtcNow();
        var nextStep = SagaPlan.Next(operation.Kind, operation.Step, operation.Prestaged);
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
