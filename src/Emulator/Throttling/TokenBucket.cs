namespace StatefulSpot.Emulator.Throttling;

/// <summary>A bucket's maximum and its refill per (simulated) second, before <see cref="ThrottlingOptions.Scale"/>.</summary>
internal readonly record struct BucketSpec(double Capacity, double RefillPerSecond);

/// <summary>
/// One token bucket. Its size and refill rate are passed on every use so that scale changes apply at once; it starts
/// full and refills continuously. Not thread-safe: <see cref="Ec2Throttle"/> serializes access.
/// </summary>
internal sealed class TokenBucket
{
    private double _tokens = double.NaN;
    private DateTimeOffset _updated;

    /// <summary>Tokens held at <paramref name="now"/> for a bucket of <paramref name="capacity"/> refilling <paramref name="refillPerSecond"/> per real second.</summary>
    public double Level(DateTimeOffset now, double capacity, double refillPerSecond)
    {
        if (double.IsNaN(_tokens) || double.IsPositiveInfinity(refillPerSecond))
        {
            _tokens = capacity;
        }
        else
        {
            var elapsed = Math.Max(0, (now - _updated).TotalSeconds);
            _tokens = Math.Min(capacity, _tokens + (elapsed * refillPerSecond));
        }

        _updated = now;
        return _tokens;
    }

    /// <summary>Removes <paramref name="cost"/> tokens; call only after <see cref="Level"/> showed enough.</summary>
    public void Take(double cost) => _tokens -= cost;
}
