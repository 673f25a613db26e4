using Microsoft.Extensions.Options;

namespace StatefulSpot.Grains.Ec2.Gateway;

/// <summary>
/// This silo's share of the account's EC2 API budget: one <see cref="PriorityTokenBucket"/> per action, sized like
/// AWS's request buckets (EC2 API throttling docs; aws-wire.md section 3) times the configured share, times this
/// silo's fraction of the cluster's: the one <see cref="ApplyShares"/> last set from the silos' demand, or (before
/// that, or for a bucket no silo reported) an even split across the live silos.
/// </summary>
public sealed class Ec2Budget : IDisposable
{
    private static readonly Ec2BucketLimit NonMutating = new() { Capacity = 100, RefillPerSecond = 20 };
    private static readonly Ec2BucketLimit UnfilteredNonMutating = new() { Capacity = 50, RefillPerSecond = 10 };
    private static readonly Ec2BucketLimit Mutating = new() { Capacity = 50, RefillPerSecond = 5 };

    /// <summary>Actions with request buckets of their own (AWS's "uncategorized" actions), among those StatefulSpot calls.</summary>
    private static readonly Dictionary<string, Ec2BucketLimit> OwnBuckets = new(StringComparer.Ordinal)
    {
        ["RunInstances"] = new() { Capacity = 5, RefillPerSecond = 2 },
        ["TerminateInstances"] = new() { Capacity = 100, RefillPerSecond = 5 },
        ["CreateVolume"] = new() { Capacity = 100, RefillPerSecond = 5 },
        ["DeleteVolume"] = new() { Capacity = 100, RefillPerSecond = 5 },
        ["CreateSnapshot"] = new() { Capacity = 100, RefillPerSecond = 5 },
        ["DeleteSnapshot"] = new() { Capacity = 100, RefillPerSecond = 5 },
        ["CreateNetworkInterface"] = new() { Capacity = 100, RefillPerSecond = 5 },
        ["DeleteNetworkInterface"] = new() { Capacity = 100, RefillPerSecond = 5 },
        ["AssignPrivateIpAddresses"] = new() { Capacity = 100, RefillPerSecond = 5 },
        ["UnassignPrivateIpAddresses"] = new() { Capacity = 100, RefillPerSecond = 5 },
        ["DeregisterImage"] = new() { Capacity = 100, RefillPerSecond = 5 },
    };

    private readonly Lock _lock = new();
    private readonly Dictionary<string, PriorityTokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly Ec2GatewayOptions _options;
    private readonly ILiveSiloCount _silos;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, long> _reportedTaken = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, double> _fractions = new Dictionary<string, double>(StringComparer.Ordinal);
    private int _siloCount;
    private long _siloCountReadAt;

    public Ec2Budget(IOptions<Ec2GatewayOptions> options, ILiveSiloCount silos, TimeProvider time)
    {
        _options = options.Value;
        _silos = silos;
        _time = time;
        _siloCount = Math.Max(1, silos.Count);
        _siloCountReadAt = time.GetTimestamp();
    }

    /// <summary>The default AWS bucket of an action; <paramref name="unfiltered"/>: a describe with neither filters, ids nor paging.</summary>
    public static Ec2BucketLimit DefaultLimit(string action, bool unfiltered = false) =>
        OwnBuckets.TryGetValue(action, out var own) ? own
        : !IsNonMutating(action) ? Mutating
        : unfiltered ? UnfilteredNonMutating
        : NonMutating;

    /// <summary>The bucket of one action (its "#unfiltered" variant for a bare describe).</summary>
    public PriorityTokenBucket For(string action, bool unfiltered = false)
    {
        var key = unfiltered ? action + "#unfiltered" : action;
        lock (_lock)
        {
            RefreshSiloCount();
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                var (capacity, refill) = Size(action, unfiltered);
                bucket = new PriorityTokenBucket(capacity, refill, _time);
                _buckets[key] = bucket;
            }

            return bucket;
        }
    }

    /// <summary>The size of this silo's bucket for an action: the account's, times the share, times this silo's fraction.</summary>
    public (double Capacity, double RefillPerSecond) Size(string action, bool unfiltered = false)
    {
        var key = unfiltered ? action + "#unfiltered" : action;
        var limit = _options.Limits.TryGetValue(key, out var configured) ? configured : DefaultLimit(action, unfiltered);
        var fraction = _fractions.TryGetValue(key, out var assigned) ? assigned : 1.0 / Math.Max(1, _siloCount);
        var share = _options.BudgetShare * _options.BudgetMultiplier * Math.Clamp(fraction, 0.0001, 1);
        return (Math.Max(1, limit.Capacity * share), limit.RefillPerSecond * share);
    }

    /// <summary>Per bucket: the tokens taken since the last call, plus the callers waiting now.</summary>
    public IReadOnlyDictionary<string, double> TakeDemand()
    {
        lock (_lock)
        {
            var demand = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (key, bucket) in _buckets)
            {
                var taken = bucket.Taken;
                demand[key] = taken - _reportedTaken.GetValueOrDefault(key) + bucket.Waiting;
                _reportedTaken[key] = taken;
            }

            return demand;
        }
    }

    /// <summary>This silo's fraction of each bucket, as the silos' demand divides it (<see cref="BudgetShares"/>).</summary>
    public void ApplyShares(IReadOnlyDictionary<string, double> fractions)
    {
        lock (_lock)
        {
            _fractions = fractions;
            ResizeAll();
        }
    }

    /// <summary>Forgets the demand-based fractions: the even split across live silos again (the silos cannot meet).</summary>
    public void ClearShares() => ApplyShares(new Dictionary<string, double>(StringComparer.Ordinal));

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var bucket in _buckets.Values)
            {
                bucket.Dispose();
            }
        }
    }

    private void RefreshSiloCount()
    {
        if (_time.GetElapsedTime(_siloCountReadAt) < _options.SiloCountRefresh)
        {
            return;
        }

        _siloCountReadAt = _time.GetTimestamp();
        var count = Math.Max(1, _silos.Count);
        if (count == _siloCount)
        {
            return;
        }

        _siloCount = count;
        ResizeAll();
    }

    private void ResizeAll()
    {
        foreach (var (key, bucket) in _buckets)
        {
            var unfiltered = key.EndsWith("#unfiltered", StringComparison.Ordinal);
            var (capacity, refill) = Size(unfiltered ? key[..^"#unfiltered".Length] : key, unfiltered);
            bucket.Resize(capacity, refill);
        }
    }

    private static bool IsNonMutating(string action) =>
        action.StartsWith("Describe", StringComparison.Ordinal) || action.StartsWith("List", StringComparison.Ordinal)
        || action.StartsWith("Get", StringComparison.Ordinal) || action.StartsWith("Search", StringComparison.Ordinal);
}

/// <summary>How many silos share the account's budget right now.</summary>
public interface ILiveSiloCount
{
    int Count { get; }
}
