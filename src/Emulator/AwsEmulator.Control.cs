namespace StatefulSpot.Emulator;

/// <summary>
/// The control plane in C#, the same as the <c>/_emulator/…</c> HTTP API. Methods that change the world fail with
/// <see cref="KeyNotFoundException"/> for an unknown resource, <see cref="InvalidOperationException"/> for one in the
/// wrong situation and <see cref="ArgumentException"/> for a bad value.
/// </summary>
public sealed partial class AwsEmulator
{
    /// <summary>The time scale in force (starts at <see cref="EmulatorOptions.TimeScale"/>).</summary>
    public double TimeScale => _runtime.Control.TimeScale;

    /// <summary>
    /// Issues a Spot interruption now: the "EC2 Spot Instance Interruption Warning" event goes on the event queue at once,
    /// and after the (scaled) notice lead the instance goes shutting-down, then terminated. Fails for an unknown instance,
    /// one that is not a running Spot instance, or one already warned.
    /// </summary>
    public Task<InterruptionNotice> InterruptAsync(string instanceId, CancellationToken ct = default) =>
        Run(() => _runtime.Control.Interrupt(Require(instanceId)), ct);

    /// <summary>
    /// Issues an "EC2 Instance Rebalance Recommendation" for a running Spot instance; with <paramref name="interruptAfter"/>
    /// (simulated time) the interruption warning follows after that lead.
    /// </summary>
    public Task<RebalanceNotice> RecommendRebalanceAsync(string instanceId, TimeSpan? interruptAfter = null, CancellationToken ct = default) =>
        Run(() => _runtime.Control.RecommendRebalance(Require(instanceId), interruptAfter), ct);

    /// <summary>
    /// Withdraws the Spot capacity of a pool (its capacity becomes 0): every running Spot instance of the type in the zone
    /// is warned now, or with <paramref name="rebalanceLead"/> first recommended a rebalance and warned after the lead.
    /// </summary>
    public Task<CapacityChange> InterruptPoolAsync(
        string instanceType, string availabilityZone, TimeSpan? rebalanceLead = null, CancellationToken ct = default) =>
        Run(() => _runtime.Control.InterruptPool(Require(instanceType), Require(availabilityZone), rebalanceLead), ct);

    /// <summary>
    /// Sets the capacity of a (type, zone, market) pool; null is unlimited. Lowering a Spot pool below its use reclaims the
    /// newest running Spot instances (warned now, or after a rebalance recommendation and <paramref name="rebalanceLead"/>).
    /// </summary>
    public Task<CapacityChange> SetCapacityAsync(
        string instanceType, string availabilityZone, string market, int? capacity, TimeSpan? rebalanceLead = null, CancellationToken ct = default) =>
        Run(() => _runtime.Control.SetCapacity(Require(instanceType), Require(availabilityZone), Require(market), capacity, rebalanceLead), ct);

    /// <summary>Publishes an AWS Health scheduled-change event for a live instance and lists it in DescribeInstanceStatus.</summary>
    public Task<HealthEventNotice> ScheduleHealthEventAsync(string instanceId, HealthEventRequest? request = null, CancellationToken ct = default) =>
        Run(() => _runtime.Control.ScheduleHealthEvent(Require(instanceId), request ?? new HealthEventRequest()), ct);

    /// <summary>Injects (or replaces) the fault of one EC2 action, or of every action with <see cref="ActionFault.AnyAction"/>.</summary>
    public void InjectFault(ActionFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        _runtime.Control.InjectFault(fault);
    }

    /// <summary>For <paramref name="window"/> (real time) after its creation, a resource id is not found by any EC2 call; zero turns it off.</summary>
    public void SetEventualConsistencyWindow(TimeSpan window) => _runtime.Control.SetEventualConsistencyWindow(window);

    /// <summary>The volume's next detach (not forced) stays <c>detaching</c> until a forced detach or <see cref="ClearFaults"/>.</summary>
    public void SetVolumeStuckDetaching(string volumeId) => _runtime.Control.SetVolumeStuckDetaching(Require(volumeId));

    /// <summary>Clears every fault: action faults, the consistency window, stuck volumes (their detach completes).</summary>
    public void ClearFaults() => _runtime.Control.ClearFaults();

    /// <summary>The faults in force.</summary>
    public FaultsInfo Faults() => _runtime.Control.Faults();

    /// <summary>Changes the time scale; it applies to durations scheduled from now on.</summary>
    public void SetTimeScale(double timeScale) => _runtime.Control.SetTimeScale(timeScale);

    /// <summary>Turns EC2 throttling on or off and rescales its buckets (which start full again).</summary>
    public void ConfigureThrottling(bool enabled, double scale = 1.0) => _runtime.Control.ConfigureThrottling(enabled, scale);

    /// <summary>Throttling settings and the EC2 calls received and throttled per action (as <c>GET /_emulator/throttling</c>).</summary>
    public ThrottlingInfo Throttling() => _runtime.Control.Throttling();

    /// <summary>Sets the call and throttled-call counters back to zero, e.g. before a benchmark phase; the buckets are untouched.</summary>
    public void ResetThrottlingCounters() => _runtime.Control.ResetThrottlingCounters();

    /// <summary>A consistent snapshot of the whole world: instances, volumes, interfaces, snapshots, images, addresses, capacity, queues.</summary>
    public WorldSnapshot Snapshot() => _runtime.Control.Snapshot(ServiceUrl.ToString());

    private static string Require(string value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        return value;
    }

    private static Task<T> Run<T>(Func<T> action, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(ct);
        }

        try
        {
            return Task.FromResult(action());
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            return Task.FromException<T>(e);
        }
    }
}
