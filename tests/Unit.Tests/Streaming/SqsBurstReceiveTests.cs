namespace StatefulSpot.Unit.Tests.Streaming;

/// <summary>A burst (a thousand warnings at once) drains in few polls: a full receive is followed by more at once.</summary>
public sealed class SqsBurstReceiveTests
{
    [Fact]
    public async Task AFullReceive_IsFollowedByMoreReceivesAtOnceWithoutWaiting_UpToReceivesPerPoll()
    {
        await using var provider = await SqsProviderHarness.StartAsync(o => o.ReceivesPerPoll = 3);
        EnqueueInReceivesOfTen(provider, 35);

        var batches = await provider.ReceiveAsync();

        Assert.Equal(30, batches.Count);
        Assert.Equal(3, provider.Sqs.ReceiveRequests.Count);
        Assert.All(provider.Sqs.ReceiveRequests.Skip(1), r => Assert.Equal(0, r.WaitTimeSeconds));
    }

    [Fact]
    public async Task AReceiveThatIsNotFull_IsTheOnlyOneOfItsPoll()
    {
        await using var provider = await SqsProviderHarness.StartAsync(o => o.ReceivesPerPoll = 3);
        EnqueueInReceivesOfTen(provider, 4);

        var batches = await provider.ReceiveAsync();

        Assert.Equal(4, batches.Count);
        Assert.Single(provider.Sqs.ReceiveRequests);
    }

    [Fact]
    public async Task OneReceivePerPoll_TakesOneBatchOfMessages()
    {
        await using var provider = await SqsProviderHarness.StartAsync(o => o.ReceivesPerPoll = 1);
        EnqueueInReceivesOfTen(provider, 35);

        Assert.Equal(10, (await provider.ReceiveAsync()).Count);
    }

    /// <summary>The fake answers one enqueued group per receive: groups of ten, as SQS's largest receive.</summary>
    private static void EnqueueInReceivesOfTen(SqsProviderHarness provider, int count)
    {
        foreach (var chunk in Enumerable.Range(0, count).Chunk(10))
        {
            provider.Sqs.Enqueue([.. chunk.Select(i => $"i-{i}=interruption")]);
        }
    }
}
