using Orleans.Streams;

namespace StatefulSpot.Unit.Tests.Streaming;

/// <summary>One SQS queue, several receivers: each an Orleans queue of its own, all reading the same SQS queue as competing consumers.</summary>
public sealed class SqsReceiversTests
{
    [Fact]
    public async Task ReceiverCount_IsTheNumberOfOrleansQueues()
    {
        await using var provider = await SqsProviderHarness.StartAsync(o => o.ReceiverCount = 3);

        Assert.Equal(3, provider.Factory.GetStreamQueueMapper().GetAllQueues().Distinct().Count());
    }

    [Fact]
    public async Task TwoReceivers_ReadTheSameQueue_EachTakingWhatItReceived()
    {
        await using var provider = await SqsProviderHarness.StartAsync(o => o.ReceiverCount = 2);
        var queues = provider.Factory.GetStreamQueueMapper().GetAllQueues().ToList();
        var second = provider.Adapter.CreateReceiver(queues[1]);
        await second.Initialize(TimeSpan.FromSeconds(5), CancellationToken.None);
        provider.Sqs.Enqueue("i-1=interruption", "i-2=interruption");
        provider.Sqs.Enqueue("i-3=interruption");

        var first = await provider.ReceiveAsync();
        var other = await second.GetQueueMessagesAsync(100, CancellationToken.None);

        Assert.Equal(2, first.Count);
        Assert.Single(other);
        Assert.All(provider.Sqs.ReceiveRequests, r => Assert.Equal(FakeSqs.QueueUrl, r.QueueUrl));
        Assert.Empty(first.Select(b => b.StreamId).Intersect(other.Select(b => b.StreamId)));
        await second.Shutdown(TimeSpan.FromSeconds(5));
    }
}
