using StatefulSpot.Emulator.Ec2;

namespace StatefulSpot.Emulator.Faults;

/// <summary>What the fault injector decided for one call.</summary>
internal readonly record struct FaultDecision(Ec2Exception? Error, bool AfterExecution, TimeSpan ExtraLatency)
{
    public static readonly FaultDecision None = new(null, false, TimeSpan.Zero);
}

/// <summary>
/// The injected EC2 faults that are not part of the world: per-action error rates and latency spikes, and the
/// eventual-consistency window during which a new resource id is not yet found. Runtime only (not in the state file).
/// </summary>
internal sealed class FaultInjector(Random random)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _faults = new(StringComparer.Ordinal);
    private long _consistencyWindowTicks;

    /// <summary>Read without the lock: every lookup of every Describe reads it, from concurrent readers.</summary>
    public TimeSpan ConsistencyWindow
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _consistencyWindowTicks));
        set
        {
            if (value < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The eventual-consistency window must not be negative.");
            }

            Interlocked.Exchange(ref _consistencyWindowTicks, value.Ticks);
        }
    }

    public void Set(ActionFault fault)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fault.Action, nameof(fault));
        Check(fault.ErrorRate is >= 0 and <= 1, "ErrorRate must be between 0 and 1");
        Check(fault.LatencySpikeRate is >= 0 and <= 1, "LatencySpikeRate must be between 0 and 1");
        Check(fault.LatencySpike >= TimeSpan.Zero, "LatencySpike must not be negative");
        Check(fault.Count is null or >= 0, "Count must be null or >= 0");
        Check(!string.IsNullOrWhiteSpace(fault.ErrorCode), "ErrorCode is required");
        Check(fault.StatusCode is null or >= 400 and <= 599, "StatusCode must be an HTTP error status (400-599)");
        lock (_lock)
        {
            _faults[fault.Action] = new Entry(fault, fault.Count);
        }
    }

    /// <summary>Removes every action fault and the consistency window.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _faults.Clear();
            Interlocked.Exchange(ref _consistencyWindowTicks, 0);
        }
    }

    public IReadOnlyList<ActionFault> Actions()
    {
        lock (_lock)
        {
            return _faults.Values.Select(e => e.Fault with { Count = e.Remaining }).OrderBy(f => f.Action, StringComparer.Ordinal).ToList();
        }
    }

    public FaultDecision Decide(string action)
    {
        lock (_lock)
        {
            if (!_faults.TryGetValue(action, out var entry) && !_faults.TryGetValue(ActionFault.AnyAction, out entry))
            {
                return FaultDecision.None;
            }

            var fault = entry.Fault;
            var latency = fault.LatencySpikeRate > 0 && random.NextDouble() < fault.LatencySpikeRate ? fault.LatencySpike : TimeSpan.Zero;
            Ec2Exception? error = null;
            if (entry.Remaining is not 0 && fault.ErrorRate > 0 && random.NextDouble() < fault.ErrorRate)
            {
                error = Ec2Errors.Injected(fault.ErrorCode, fault.StatusCode, fault.ErrorMessage);
                if (entry.Remaining is { } remaining)
                {
                    entry.Remaining = remaining - 1;
                }
            }

            return new FaultDecision(error, fault.AfterExecution, latency);
        }
    }

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw new ArgumentException(message + ".");
        }
    }

    private sealed class Entry(ActionFault fault, int? remaining)
    {
        public ActionFault Fault { get; } = fault;

        public int? Remaining { get; set; } = remaining;
    }
}
