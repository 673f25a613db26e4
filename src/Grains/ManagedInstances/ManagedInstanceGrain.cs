using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances.Saga;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// One managed instance: validates and keeps its spec, runs the create and recovery sagas one persisted step at
/// a time (a grain timer paces the steps, a reminder wakes the grain after a crash), and keeps the timeline.
/// </summary>
// An idle managed instance (Active for weeks, nothing running) leaves memory after five minutes: timers of a running
// operation keep it, and a reminder or any call brings it back.
[CollectionAgeLimit(Minutes = 5)]
public sealed partial class ManagedInstanceGrain(
    [PersistentState("managed-instance", StorageNames.Instances)] IPersistentState<ManagedInstanceState> store,
    IEc2Api ec2,
    IOptions<ManagedInstanceOptions> options,
    IOptions<ClusterOptions> cluster,
    TimeProvider time,
    IEnumerable<ISagaStepListener> listeners,
    ILogger<ManagedInstanceGrain> logger) : Grain, IManagedInstanceGrain, IRemindable
{
    private const string ReminderName = "saga";
    private readonly ManagedInstanceOptions _options = options.Value;
    private readonly string _clusterId = cluster.Value.ClusterId;
    private readonly SagaSteps _steps = new(ec2);
    private readonly SpecQueries _queries = new(ec2);
    private readonly ISagaStepListener[] _listeners = [.. listeners];
    private IGrainTimer? _timer;
    private Dictionary<string, string> _reported = new(StringComparer.Ordinal);
    private Dictionary<string, DateTimeOffset> _reportedLeftRunning = new(StringComparer.Ordinal);
    private (DateTimeOffset StartedAt, SagaStep Step) _pollingStep;
    private int _pollsInStep;

    private string Id => this.GetPrimaryKeyString();

    private ManagedInstanceState State => store.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Operation is not null)
        {
            await EnsureDrivenAsync(cancellationToken);
        }

        await EnsureSnapshottingAsync();
    }

    public async Task<ManagedInstanceView> CreateAsync(ManagedInstanceSpec spec, CancellationToken cancellationToken = default)
    {
        RequireWellFormedId();
        RequireNotDeleted();
        if (State.Spec is not null)
        {
            return SameSpec(State.Spec, spec)
                ? await ViewAsync(cancellationToken)
                : throw new InvalidSpecException([$"Managed instance '{Id}' already exists with a different spec; choose another id."]);
        }

        var subnets = await ValidateAsync(spec, cancellationToken);
        await GrainFactory.GetGrain<IManagedInstanceRegistryGrain>(IManagedInstanceRegistryGrain.Key).RegisterAsync(Id, cancellationToken);
        store.State = new ManagedInstanceState { Spec = spec, Generation = 1, AvailabilityZone = subnets[0].AvailabilityZone, Subnets = subnets };
        await StartAsync(OperationKind.Create, OperationTrigger.User, cursor => cursor, cancellationToken);
        return await ViewAsync(cancellationToken);
    }

    public async Task<ManagedInstanceView> ImportAsync(ImportRequest request, CancellationToken cancellationToken = default)
    {
        RequireWellFormedId();
        RequireNotDeleted();
        if (State.Spec is not null)
        {
            return State.ImportedFrom == request.OriginalInstanceId
                ? await ViewAsync(cancellationToken)
                : throw new InvalidSpecException([$"Managed instance '{Id}' already exists; import into a new id."]);
        }

        var spec = await _queries.DescribeForImportAsync(request, cancellationToken);
        var subnets = await ValidateAsync(spec, cancellationToken, importedFrom: request.OriginalInstanceId);
        await GrainFactory.GetGrain<IManagedInstanceRegistryGrain>(IManagedInstanceRegistryGrain.Key).RegisterAsync(Id, cancellationToken);
        store.State = new ManagedInstanceState
        {
            Spec = spec,
            Generation = 1,
            AvailabilityZone = subnets[0].AvailabilityZone,
            Subnets = subnets,
            ImportedFrom = request.OriginalInstanceId,
        };
        var now = time.GetUtcNow();
        await StartAsync(OperationKind.Import, OperationTrigger.User,
            cursor => request.ShouldTerminateInstance ? cursor with { OldInstanceId = request.OriginalInstanceId, DrainDeadline = now } : cursor,
            cancellationToken);
        return await ViewAsync(cancellationToken);
    }

    public async Task<ManagedInstanceView> GetAsync(CancellationToken cancellationToken = default) =>
        State.Spec is null ? throw new ManagedInstanceNotFoundException(Id) : await ViewAsync(cancellationToken);

    public async Task<ManagedInstanceView> UpdateAsync(ManagedInstanceSpec spec, CancellationToken cancellationToken = default)
    {
        var current = Require("update");
        var problems = UpdateRules.Check(current, spec);
        if (problems.Count > 0)
        {
            throw new InvalidSpecException(problems);
        }

        var subnets = await ValidateAsync(spec, cancellationToken);
        var zone = subnets[0].AvailabilityZone;
        if (zone != State.AvailabilityZone && State.NetworkInterfaceId is not null)
        {
            throw new InvalidSpecException([$"'subnetIds' would move the instance from {State.AvailabilityZone} to {zone}, "
                + "but its network interface (and so its private IP) lives in a subnet of that AZ; keep that subnet first."]);
        }

        store.State = State with { Spec = spec, Subnets = subnets };
        await store.WriteStateAsync(cancellationToken);
        await EnsureSnapshottingAsync();
        LogUpdated(Id);
        return await ViewAsync(cancellationToken);
    }

    public async Task<ManagedInstanceView> PauseAsync(CancellationToken cancellationToken = default)
    {
        var spec = Require("pause");
        var now = time.GetUtcNow();
        await StartAsync(OperationKind.Pause, OperationTrigger.User,
            cursor => cursor with { OldInstanceId = State.InstanceId, DrainDeadline = Draining.Deadline(spec, now) },
            cancellationToken);
        return await ViewAsync(cancellationToken);
    }

    public async Task<ManagedInstanceView> ResumeAsync(CancellationToken cancellationToken = default)
    {
        Require("resume");
        RequireImported();
        store.State = State.NextGeneration();
        await StartAsync(OperationKind.Resume, OperationTrigger.User, cursor => cursor, cancellationToken);
        return await ViewAsync(cancellationToken);
    }

    public async Task<ManagedInstanceView> RecycleAsync(CancellationToken cancellationToken = default)
    {
        var spec = Require("recycle");
        RequireImported();
        var now = time.GetUtcNow();
        store.State = State.NextGeneration();
        await StartAsync(OperationKind.Recycle, OperationTrigger.User,
            cursor => cursor with { OldInstanceId = State.InstanceId, DrainDeadline = Draining.Deadline(spec, now) },
            cancellationToken);
        return await ViewAsync(cancellationToken);
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
        return await ViewAsync(cancellationToken);
    }

    /// <summary>An import that failed before its image existed has nothing to launch from: it cannot be recycled or resumed.</summary>
    private void RequireImported()
    {
        if (State.ImportedFrom is { } original && State.RootImages.Count == 0)
        {
            throw new InvalidRequestException($"The import of {original} failed before its image was made ({State.LastError}); "
                + "delete this managed instance and import the instance again.");
        }
    }

    /// <summary>The spec, if the managed instance exists and its status allows <paramref name="operation"/>.</summary>
    private ManagedInstanceSpec Require(string operation) => State.Spec is null || State.Status == ManagedInstanceStatus.Deleted
        ? throw new ManagedInstanceNotFoundException(Id)
        : StatusRules.Allows(State.Status, operation)
            ? State.Spec
            : throw new InvalidTransitionException(Id, State.Status, operation);

    private static bool SameSpec(ManagedInstanceSpec a, ManagedInstanceSpec b) =>
        JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);
}
