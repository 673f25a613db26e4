using Microsoft.Extensions.Logging;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Faults;
using StatefulSpot.Emulator.Sqs;
using StatefulSpot.Emulator.Throttling;

namespace StatefulSpot.Emulator.Control;

/// <summary>
/// The control plane behind <c>/_emulator/…</c> and <see cref="AwsEmulator"/>'s methods: Spot signals, capacity, faults,
/// time scale, throttling and the world snapshot. World changes run under the world lock.
/// Errors: <see cref="KeyNotFoundException"/> (unknown resource), <see cref="InvalidOperationException"/> (wrong
/// situation), <see cref="ArgumentException"/> (bad value).
/// </summary>
internal sealed partial class WorldControl(
    WorldGate gate,
    SpotOperations spot,
    HealthEventOperations health,
    CapacityOperations capacity,
    VolumeOperations volumes,
    FaultInjector faults,
    Ec2Throttle throttle,
    SimulationClock clock,
    SnapshotBuilder snapshots,
    ILogger<WorldControl> logger)
{
    public InterruptionNotice Interrupt(string instanceId)
    {
        var notice = gate.Write(s => spot.Interrupt(s, instanceId));
        LogInterrupted(instanceId, notice.EventId, notice.TerminationTime);
        return notice;
    }

    public RebalanceNotice RecommendRebalance(string instanceId, TimeSpan? interruptAfter)
    {
        if (interruptAfter < TimeSpan.Zero)
        {
            throw new ArgumentException("The interruption lead must not be negative.", nameof(interruptAfter));
        }

        var notice = gate.Write(s => spot.RecommendRebalance(s, instanceId, interruptAfter));
        LogRebalance(instanceId, notice.EventId, notice.InterruptionWarningTime);
        return notice;
    }

    public CapacityChange SetCapacity(string instanceType, string zone, string market, int? newCapacity, TimeSpan? rebalanceLead = null)
    {
        if (rebalanceLead < TimeSpan.Zero)
        {
            throw new ArgumentException("The rebalance lead must not be negative.", nameof(rebalanceLead));
        }

        var change = gate.Write(s => spot.SetCapacity(s, instanceType, zone, market, newCapacity, rebalanceLead));
        LogCapacity(instanceType, zone, market, newCapacity, change.Interruptions.Count + change.Rebalances.Count);
        return change;
    }

    /// <summary>Withdraws a pool's Spot capacity: every running Spot instance in it is warned (or first recommended a rebalance).</summary>
    public CapacityChange InterruptPool(string instanceType, string zone, TimeSpan? rebalanceLead) =>
        SetCapacity(instanceType, zone, Catalog.SpotMarket, 0, rebalanceLead);

    public HealthEventNotice ScheduleHealthEvent(string instanceId, HealthEventRequest request)
    {
        var notice = gate.Write(s => health.Schedule(s, instanceId, request));
        LogHealthEvent(instanceId, notice.EventTypeCode, notice.EventId);
        return notice;
    }

    public IReadOnlyList<PoolUsage> Capacity() => gate.Read(capacity.All);

    public void InjectFault(ActionFault fault)
    {
        faults.Set(fault);
        LogFault(fault.Action, fault.ErrorRate, fault.ErrorCode, fault.LatencySpikeRate, fault.LatencySpike);
    }

    public void SetEventualConsistencyWindow(TimeSpan window)
    {
        faults.ConsistencyWindow = window;
        LogConsistencyWindow(window);
    }

    /// <summary>Marks a volume so that its next detach (not forced) stays <c>detaching</c> until a forced detach.</summary>
    public void SetVolumeStuckDetaching(string volumeId) => gate.Write(s =>
    {
        var volume = s.Ec2.Volumes.GetValueOrDefault(volumeId) ?? throw new KeyNotFoundException($"Volume '{volumeId}' does not exist.");
        volume.StuckDetaching = true;
    });

    /// <summary>Clears every fault: action faults, the consistency window, and stuck volumes (a stuck detach completes).</summary>
    public void ClearFaults()
    {
        faults.Clear();
        gate.Write(s =>
        {
            foreach (var volume in s.Ec2.Volumes.Values.Where(v => v.StuckDetaching).ToList())
            {
                volumes.Unstick(s, volume);
            }
        });
        LogFaultsCleared();
    }

    public FaultsInfo Faults() => new(
        faults.Actions(),
        faults.ConsistencyWindow,
        gate.Read(s => s.Ec2.Volumes.Values.Where(v => v.StuckDetaching).OrderBy(v => v.Sequence).Select(v => v.VolumeId).ToList()));

    public double TimeScale => clock.TimeScale;

    public void SetTimeScale(double timeScale)
    {
        clock.TimeScale = timeScale;
        LogTimeScale(timeScale);
    }

    public ThrottlingInfo Throttling()
    {
        var (calls, throttled) = throttle.Counts();
        return new(throttle.Enabled, throttle.Scale, throttle.RefillOnSimulatedClock, throttled, calls);
    }

    public void ResetThrottlingCounters()
    {
        throttle.ResetCounts();
        LogThrottlingCountersReset();
    }

    public void ConfigureThrottling(bool enabled, double scale)
    {
        throttle.Configure(enabled, scale);
        LogThrottling(enabled, scale);
    }

    public WorldSnapshot Snapshot(string serviceUrl) => gate.Read(s => snapshots.Build(s, serviceUrl, Throttling()));

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Spot interruption warning {EventId} issued for {InstanceId}; it is interrupted at {TerminationTime}")]
    private partial void LogInterrupted(string instanceId, string eventId, DateTimeOffset terminationTime);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebalance recommendation {EventId} issued for {InstanceId}; interruption warning at {WarningTime}")]
    private partial void LogRebalance(string instanceId, string eventId, DateTimeOffset? warningTime);

    [LoggerMessage(Level = LogLevel.Information, Message = "Capacity of {InstanceType} {Zone} {Market} set to {Capacity}; {Reclaimed} Spot instances reclaimed")]
    private partial void LogCapacity(string instanceType, string zone, string market, int? capacity, int reclaimed);

    [LoggerMessage(Level = LogLevel.Information, Message = "AWS Health event {EventTypeCode} ({EventId}) scheduled for {InstanceId}")]
    private partial void LogHealthEvent(string instanceId, string eventTypeCode, string eventId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Fault on {Action}: error rate {ErrorRate} ({ErrorCode}), latency spike rate {SpikeRate} of {Spike}")]
    private partial void LogFault(string action, double errorRate, string errorCode, double spikeRate, TimeSpan spike);

    [LoggerMessage(Level = LogLevel.Information, Message = "Eventual-consistency window set to {Window}")]
    private partial void LogConsistencyWindow(TimeSpan window);

    [LoggerMessage(Level = LogLevel.Information, Message = "All faults cleared")]
    private partial void LogFaultsCleared();

    [LoggerMessage(Level = LogLevel.Information, Message = "Time scale set to {TimeScale}")]
    private partial void LogTimeScale(double timeScale);

    [LoggerMessage(Level = LogLevel.Information, Message = "Throttling {Enabled}, scale {Scale}")]
    private partial void LogThrottling(bool enabled, double scale);

    [LoggerMessage(Level = LogLevel.Information, Message = "EC2 call and throttled-call counters reset")]
    private partial void LogThrottlingCountersReset();
}
