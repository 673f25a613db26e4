using Microsoft.Extensions.Time.Testing;
using StatefulSpot.Grains.Ec2.Gateway;

namespace StatefulSpot.Unit.Tests.Ec2;

public sealed class PriorityTokenBucketTests
{
    private static readonly TimeSpan LongWait = TimeSpan.FromMinutes(10);

    private readonly FakeTimeProvider _time = new();

    private static Task Acquire(PriorityTokenBucket bucket, Ec2CallPriority priority = Ec2CallPriority.Create, long deadline = long.MaxValue,
        TimeSpan? maxWait = null, CancellationToken cancellationToken = default) =>
        bucket.AcquireAsync(priority, deadline, maxWait ?? LongWait, "RunInstances", cancellationToken);

    private static void Empty(PriorityTokenBucket bucket)
    {
        for (var i = 0; i < (int)bucket.Capacity; i++)
        {
            Assert.True(Acquire(bucket).IsCompletedSuccessfully);
        }
    }

    /// <summary>Adds one token at a time (one second at a rate of 1/s) and returns the waiters in the order they got them.</summary>
    private async Task<List<string>> GrantOrderAsync(Dictionary<string, Task> waiters)
    {
        var order = new List<string>();
        while (order.Count < waiters.Count)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await FakeClock.EventuallyAsync(() => waiters.Count(w => w.Value.IsCompleted) > order.Count);
            await FakeClock.SettleAsync();
            var granted = waiters.Where(w => w.Value.IsCompleted && !order.Contains(w.Key)).Select(w => w.Key).ToList();
            Assert.Single(granted);
            order.Add(granted[0]);
        }

        return order;
    }

    [Fact]
    public async Task AcquireAsync_FullBucket_GrantsCapacityAtOnceAndTheNextWaitsForARefill()
    {
        using var bucket = new PriorityTokenBucket(5, 1, _time);

        var granted = Enumerable.Range(0, 5).Select(_ => Acquire(bucket)).ToList();
        var next = Acquire(bucket);

        Assert.All(granted, task => Assert.True(task.IsCompletedSuccessfully));
        await FakeClock.SettleAsync();
        Assert.False(next.IsCompleted);
        Assert.Equal(1, bucket.Waiting);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        await FakeClock.SettleAsync();
        Assert.False(next.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await FakeClock.EventuallyAsync(() => next.IsCompleted);
        await next;
        Assert.Equal(0, bucket.Waiting);
    }

    [Fact]
    public async Task AcquireAsync_AfterTime_RefillsAtTheRateUpToTheCapacity()
    {
        using var bucket = new PriorityTokenBucket(10, 2, _time);
        Empty(bucket);

        _time.Advance(TimeSpan.FromSeconds(3));
        var refilled = Enumerable.Range(0, 6).Select(_ => Acquire(bucket)).ToList();
        var seventh = Acquire(bucket);

        Assert.All(refilled, task => Assert.True(task.IsCompletedSuccessfully));
        await FakeClock.SettleAsync();
        Assert.False(seventh.IsCompleted);

        _time.Advance(TimeSpan.FromHours(1));
        await FakeClock.EventuallyAsync(() => seventh.IsCompleted);
        var afterAnHour = Enumerable.Range(0, 20).Select(_ => Acquire(bucket)).ToList();
        Assert.Equal(9, afterAnHour.Count(task => task.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task AcquireAsync_WaitersOfDifferentPriorities_RecoveryBeforeCreateBeforeBackground()
    {
        using var bucket = new PriorityTokenBucket(1, 1, _time);
        Empty(bucket);

        var waiters = new Dictionary<string, Task>
        {
            ["background"] = Acquire(bucket, Ec2CallPriority.Background),
            ["cleanup"] = Acquire(bucket, Ec2CallPriority.Cleanup),
            ["create"] = Acquire(bucket, Ec2CallPriority.Create),
            ["recovery"] = Acquire(bucket, Ec2CallPriority.Recovery),
        };

        Assert.Equal(["recovery", "create", "cleanup", "background"], await GrantOrderAsync(waiters));
    }

    [Fact]
    public async Task AcquireAsync_WaitersOfOnePriority_EarliestDeadlineFirstThenArrival()
    {
        using var bucket = new PriorityTokenBucket(1, 1, _time);
        Empty(bucket);

        var waiters = new Dictionary<string, Task>
        {
            ["late deadline"] = Acquire(bucket, deadline: 300),
            ["early deadline, first"] = Acquire(bucket, deadline: 100),
            ["no deadline"] = Acquire(bucket),
            ["early deadline, second"] = Acquire(bucket, deadline: 100),
            ["middle deadline"] = Acquire(bucket, deadline: 200),
        };

        Assert.Equal(["early deadline, first", "early deadline, second", "middle deadline", "late deadline", "no deadline"],
            await GrantOrderAsync(waiters));
    }

    [Fact]
    public async Task AcquireAsync_WaiterPastItsMaxWait_ThrowsBudgetExhaustedAndLeavesTheTokenToTheNext()
    {
        using var bucket = new PriorityTokenBucket(1, 1, _time);
        Empty(bucket);
        var impatient = Acquire(bucket, Ec2CallPriority.Recovery, maxWait: TimeSpan.FromMilliseconds(500));
        var patient = Acquire(bucket, Ec2CallPriority.Background);

        _time.Advance(TimeSpan.FromMilliseconds(500));
        var exhausted = await Assert.ThrowsAsync<Ec2BudgetExhaustedException>(() => impatient);

        Assert.Equal("RunInstances", exhausted.Action);
        Assert.False(patient.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await FakeClock.EventuallyAsync(() => patient.IsCompleted);
        await patient;

        // The one token of that second went to the patient waiter; the next caller waits for another.
        var after = Acquire(bucket);
        await FakeClock.SettleAsync();
        Assert.False(after.IsCompleted);
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_ThrowsCancellationAndLeavesTheTokenToTheNext()
    {
        using var bucket = new PriorityTokenBucket(1, 1, _time);
        Empty(bucket);
        using var cancellation = new CancellationTokenSource();
        var cancelled = Acquire(bucket, Ec2CallPriority.Recovery, cancellationToken: cancellation.Token);
        var other = Acquire(bucket, Ec2CallPriority.Background);

        await cancellation.CancelAsync();
        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        Assert.IsNotType<Ec2BudgetExhaustedException>(exception);
        _time.Advance(TimeSpan.FromSeconds(1));
        await FakeClock.EventuallyAsync(() => other.IsCompleted);
        await other;
    }

    [Fact]
    public async Task Drain_EmptiesTheBucket_SoTheNextCallerWaitsForARefill()
    {
        using var bucket = new PriorityTokenBucket(5, 1, _time);
        Assert.True(Acquire(bucket).IsCompletedSuccessfully);

        bucket.Drain();
        var next = Acquire(bucket);

        await FakeClock.SettleAsync();
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await FakeClock.EventuallyAsync(() => next.IsCompleted);
        await next;
    }

    [Fact]
    public async Task Resize_Larger_RaisesTheCapacityAndServesWaitersAtTheNewRate()
    {
        using var bucket = new PriorityTokenBucket(2, 0.1, _time);
        Empty(bucket);
        var waiter = Acquire(bucket);

        bucket.Resize(10, 10);

        Assert.Equal(10, bucket.Capacity);
        Assert.Equal(10, bucket.RefillPerSecond);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await FakeClock.EventuallyAsync(() => waiter.IsCompleted);
        await waiter;

        _time.Advance(TimeSpan.FromSeconds(5));
        var burst = Enumerable.Range(0, 11).Select(_ => Acquire(bucket)).ToList();
        Assert.Equal(10, burst.Count(task => task.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task Resize_Smaller_CapsTheTokensAtTheNewCapacity()
    {
        using var bucket = new PriorityTokenBucket(10, 1, _time);

        bucket.Resize(3, 1);
        var calls = Enumerable.Range(0, 4).Select(_ => Acquire(bucket)).ToList();

        Assert.Equal(3, calls.Count(task => task.IsCompletedSuccessfully));
        await FakeClock.SettleAsync();
        Assert.False(calls[3].IsCompleted);
    }

    [Theory]
    [InlineData(0.5, 1)]
    [InlineData(1, 0)]
    [InlineData(double.NaN, 1)]
    [InlineData(1, double.PositiveInfinity)]
    public void Constructor_SizeThatCannotServeACall_IsRejected(double capacity, double refillPerSecond)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PriorityTokenBucket(capacity, refillPerSecond, _time));
        using var bucket = new PriorityTokenBucket(1, 1, _time);
        Assert.Throws<ArgumentOutOfRangeException>(() => bucket.Resize(capacity, refillPerSecond));
    }
}
