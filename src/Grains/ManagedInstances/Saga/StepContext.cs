using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga;

/// <summary>
/// What a step sees: the managed instance, its state, the clock reading and the grains it may call. A step reads
/// state and returns a <see cref="StepResult"/>; it never writes state, only the grain does.
/// </summary>
public sealed record StepContext(
    string ManagedInstanceId,
    ManagedInstanceState State,
    DateTimeOffset Now,
    IGrainFactory Grains,
    TimeSpan PoolAvoidance,
    CancellationToken CancellationToken)
{
    public SagaCursor Operation => State.Operation!;

    /// <summary>
    /// Instance states that EC2's state-change events reported since the step last ran (the events that woke it): a
    /// step may take them instead of describing the instance. Empty on a look the timer makes.
    /// </summary>
    public IReadOnlyDictionary<string, string> ReportedStates { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The step runs for the first time, right after the step before it finished in the same turn: what the grains
    /// remember from that step is as fresh as a new look.
    /// </summary>
    public bool JustStarted { get; init; }

    /// <summary>The step runs again right after its own checkpoint in the same turn: nothing happened in between.</summary>
    public bool JustCheckpointed { get; init; }

    /// <summary>The Orleans cluster id, tagged on what the step launches (<see cref="TagKeys.Cluster"/>).</summary>
    public string? ClusterId { get; init; }

    /// <summary>The earliest time an event since the step last ran says an instance left <c>running</c> (its EventBridge time).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> ReportedLeftRunning { get; init; } = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);

    /// <summary>The state an event reported for <paramref name="instanceId"/> since the step last ran, if any.</summary>
    public string? ReportedState(string instanceId) => ReportedStates.GetValueOrDefault(instanceId);

    public ManagedInstanceSpec Spec => State.Spec!;

    /// <summary>The grain of a data volume (<c>smi-…/&lt;device&gt;</c>) or of the root volume (<see cref="ResourceKeys.RootVolume"/>).</summary>
    public IVolumeGrain Volume(string deviceName) => Grains.GetGrain<IVolumeGrain>(ResourceKeys.For(ManagedInstanceId, deviceName));

    public INetworkInterfaceGrain NetworkInterface() => Grains.GetGrain<INetworkInterfaceGrain>(ResourceKeys.For(ManagedInstanceId, "eth0"));

    public IIpPoolGrain Pool(string poolName) => Grains.GetGrain<IIpPoolGrain>(poolName);

    public string ClientToken(string step) => SagaPlan.ClientToken(ManagedInstanceId, State.Generation, step);

    /// <summary>The tags of a volume or ENI of this managed instance at <paramref name="deviceName"/>.</summary>
    public IReadOnlyDictionary<string, string> Tags(string deviceName) => ResourceTags.Device(ManagedInstanceId, Spec.Name, deviceName);
}
