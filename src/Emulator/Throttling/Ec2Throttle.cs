using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Query;

namespace StatefulSpot.Emulator.Throttling;

/// <summary>
/// The account's EC2 token buckets. A call passes when its request bucket (and resource bucket, if it has one) holds
/// enough tokens; then both are charged, else neither is. Settings start from <see cref="ThrottlingOptions"/> and can
/// be changed at run time. Also counts the calls received and the calls throttled, per action, for benchmarks.
/// </summary>
internal sealed class Ec2Throttle(ThrottlingOptions options, SimulationClock clock)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _calls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _throttled = new(StringComparer.Ordinal);
    private bool _enabled = options.Enabled;
    private double _scale = options.Scale;

    public bool Enabled
    {
        get
        {
            lock (_lock)
            {
                return _enabled;
            }
        }
    }

    public double Scale
    {
        get
        {
            lock (_lock)
            {
                return _scale;
            }
        }
    }

    public bool RefillOnSimulatedClock => options.RefillOnSimulatedClock;

    /// <summary>Turns throttling on or off and rescales the buckets; buckets are refilled.</summary>
    public void Configure(bool enabled, double scale)
    {
        if (!double.IsFinite(scale) || scale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The throttling scale must be a finite number > 0.");
        }

        lock (_lock)
        {
            _enabled = enabled;
            _scale = scale;
            _buckets.Clear();
        }
    }

    /// <summary>Charges the call's buckets; false when it is throttled.</summary>
    public bool TryAcquire(string action, QueryNode request)
    {
        var (requestKey, requestSpec) = ThrottleTable.RequestBucket(action, request);
        var resource = ThrottleTable.ResourceBucket(action, request);
        lock (_lock)
        {
            if (!_enabled)
            {
                return true;
            }

            var now = clock.Now;
            var requestBucket = Bucket(requestKey);
            var requestCapacity = Capacity(requestSpec);
            if (requestBucket.Level(now, requestCapacity, RefillPerRealSecond(requestSpec)) < 1)
            {
                return Throttled(action);
            }

            TokenBucket? resourceBucket = null;
            if (resource is { } r)
            {
                resourceBucket = Bucket(r.Key);
                var capacity = Capacity(r.Spec);
                if (resourceBucket.Level(now, capacity, RefillPerRealSecond(r.Spec)) < Math.Min(r.Cost, capacity))
                {
                    return Throttled(action);
                }
            }

            requestBucket.Take(1);
            resourceBucket?.Take(Math.Min(resource!.Value.Cost, Capacity(resource.Value.Spec)));
            return true;
        }
    }

    /// <summary>Counts one call of <paramref name="action"/> received, whether it will pass, be throttled or fail.</summary>
    public void CountCall(string action)
    {
        lock (_lock)
        {
            _calls[action] = _calls.GetValueOrDefault(action) + 1;
        }
    }

    /// <summary>How many calls were received and how many throttled, per action, since start or the last <see cref="ResetCounts"/>.</summary>
    public (IReadOnlyDictionary<string, long> Calls, IReadOnlyDictionary<string, long> Throttled) Counts()
    {
        lock (_lock)
        {
            return (new Dictionary<string, long>(_calls, StringComparer.Ordinal), new Dictionary<string, long>(_throttled, StringComparer.Ordinal));
        }
    }

    /// <summary>Sets both counters back to zero (the buckets are left as they are).</summary>
    public void ResetCounts()
    {
        lock (_lock)
        {
            _calls.Clear();
            _throttled.Clear();
        }
    }

    private bool Throttled(string action)
    {
        _throttled[action] = _throttled.GetValueOrDefault(action) + 1;
        return false;
    }

    private TokenBucket Bucket(string key)
    {
        if (!_buckets.TryGetValue(key, out var bucket))
        {
            bucket = new TokenBucket();
            _buckets[key] = bucket;
        }

        return bucket;
    }

    private double Capacity(BucketSpec spec) => Math.Max(1, spec.Capacity * _scale);

    private double RefillPerRealSecond(BucketSpec spec)
    {
        var perSimulatedSecond = spec.RefillPerSecond * _scale;
        if (!options.RefillOnSimulatedClock)
        {
            return perSimulatedSecond;
        }

        var timeScale = clock.TimeScale;
        return timeScale <= 0 ? double.PositiveInfinity : perSimulatedSecond / timeScale;
    }
}
