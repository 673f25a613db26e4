using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Unit.Tests.Streaming;

public sealed class SqsReceiveBackoffTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Failures_DoubleTheWaitFromHalfASecond_UpToTenSeconds_AndASuccessEndsThem()
    {
        var backoff = new SqsReceiveBackoff();
        Assert.True(backoff.Allows(T0));

        var delays = Enumerable.Range(0, 7).Select(_ => backoff.Failed(T0).TotalMilliseconds).ToList();

        Assert.Equal([500, 1000, 2000, 4000, 8000, 10000, 10000], delays);
        Assert.False(backoff.Allows(T0 + TimeSpan.FromSeconds(9.9)));
        Assert.True(backoff.Allows(T0 + TimeSpan.FromSeconds(10)));
        Assert.Equal(7, backoff.Succeeded());
        Assert.Equal(0, backoff.Succeeded());
        Assert.Equal(TimeSpan.FromMilliseconds(500), backoff.Failed(T0));
    }
}
