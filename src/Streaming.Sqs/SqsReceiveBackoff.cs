namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// After a failed ReceiveMessage call, no new one for 0.5 s, doubling with each failure in a row up to 10 s.
/// Pure: the caller passes the time. Not thread-safe: one receiver, one pulling agent.
/// </summary>
internal sealed class SqsReceiveBackoff
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    private DateTimeOffset _nextAttemptAt = DateTimeOffset.MinValue;

    /// <summary>Failures in a row so far.</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>Whether a receive may be attempted at <paramref name="now"/>.</summary>
    public bool Allows(DateTimeOffset now) => now >= _nextAttemptAt;

    /// <summary>Records a failure at <paramref name="now"/>; returns how long until the next attempt.</summary>
    public TimeSpan Failed(DateTimeOffset now)
    {
        ConsecutiveFailures++;
        var delay = TimeSpan.FromTicks(Math.Min(FirstRetryDelay.Ticks << Math.Min(ConsecutiveFailures - 1, 16), MaxRetryDelay.Ticks));
        _nextAttemptAt = now + delay;
        return delay;
    }

    /// <summary>Records a success; returns the failures in a row it ends (0 when there were none).</summary>
    public int Succeeded()
    {
        var ended = ConsecutiveFailures;
        ConsecutiveFailures = 0;
        return ended;
    }
}
