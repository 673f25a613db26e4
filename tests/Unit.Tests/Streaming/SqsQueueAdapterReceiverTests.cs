using Amazon.SQS;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Unit.Tests.Streaming;

public sealed class SqsQueueAdapterReceiverTests
{
    [Fact]
    public async Task DeliveredMessage_IsDeletedOnlyAfterItsBatchIsDelivered()
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        var message = Assert.Single(provider.Sqs.Enqueue("i-1=interruption"));

        var batch = Assert.Single(await provider.ReceiveAsync());

        Assert.Equal(TestMessageAdapter.Stream("i-1"), batch.StreamId);
        Assert.Equal("interruption", Assert.Single(batch.GetEvents<string>()).Item1);
        Assert.Empty(provider.Sqs.DeletedReceiptHandles);

        await provider.DeliveredAsync(batch);

        Assert.Equal([message.ReceiptHandle], provider.Sqs.DeletedReceiptHandles);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.MessagesReceived));
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.MessagesDelivered));
    }

    [Fact]
    public async Task FannedOutMessage_IsDeletedOnlyAfterEveryBatchIsDelivered()
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        var message = Assert.Single(provider.Sqs.Enqueue("i-1=health;i-2=health"));

        var batches = await provider.ReceiveAsync();

        Assert.Equal([TestMessageAdapter.Stream("i-1"), TestMessageAdapter.Stream("i-2")], batches.Select(b => b.StreamId));
        await provider.DeliveredAsync(batches[1]);
        Assert.Empty(provider.Sqs.DeletedReceiptHandles);

        await provider.DeliveredAsync(batches[0]);
        Assert.Equal([message.ReceiptHandle], provider.Sqs.DeletedReceiptHandles);

        // Reporting the same batches again deletes nothing more.
        await provider.DeliveredAsync([.. batches]);
        Assert.Single(provider.Sqs.DeleteRequests);
    }

    [Fact]
    public async Task EventsForOneStream_TravelInOneBatch_InMessageOrder_WithIncreasingTokens()
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        provider.Sqs.Enqueue("a=1;b=2;a=3", "a=4");

        var batches = await provider.ReceiveAsync();

        Assert.Equal(3, batches.Count);
        var first = batches[0].GetEvents<string>().ToList();
        Assert.Equal(["1", "3"], first.Select(e => e.Item1));
        Assert.True(first[1].Item2.Newer(first[0].Item2));
        Assert.True(batches[1].SequenceToken.Newer(batches[0].SequenceToken));
        Assert.True(batches[2].SequenceToken.Newer(batches[1].SequenceToken));
        Assert.Empty(batches[0].GetEvents<int>());
    }

    [Theory]
    [InlineData("discard")]
    [InlineData("throw")]
    [InlineData("not-a-pair")]
    public async Task DiscardedOrUndecodableMessage_IsDeletedAtOnce_AndYieldsNoBatch(string body)
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        var bad = Assert.Single(provider.Sqs.Enqueue(body));

        var batches = await provider.ReceiveAsync();

        Assert.Empty(batches);
        Assert.Equal([bad.ReceiptHandle], provider.Sqs.DeletedReceiptHandles);
        Assert.Empty(provider.Sqs.VisibilityChanges);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.MessagesDiscarded));
        Assert.Equal(0, provider.Counter(SqsStreamTelemetry.MessagesDelivered));
        Assert.Empty(provider.Sqs.QueueAttributeRequests);
    }

    [Theory]
    [InlineData("discard")]
    [InlineData("throw")]
    [InlineData("not-a-pair")]
    public async Task DiscardedMessage_WithLeaveForRedrive_IsNotDeleted_ButVisibleAgainAfterTheRedriveDelay(string body)
    {
        await using var provider = await SqsProviderHarness.StartAsync(options =>
        {
            options.DiscardPolicy = SqsDiscardPolicy.LeaveForRedrive;
            options.RedriveDelay = TimeSpan.FromSeconds(3);
        });
        var messages = provider.Sqs.Enqueue("i-1=x", body);

        var batches = await provider.ReceiveAsync();

        Assert.Single(batches);
        Assert.Empty(provider.Sqs.DeleteRequests);
        var change = Assert.Single(provider.Sqs.VisibilityChanges);
        Assert.Equal(messages[1].ReceiptHandle, change.ReceiptHandle);
        Assert.Equal(3, change.Seconds);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.MessagesDiscarded));

        // The good message still takes the normal path.
        await provider.DeliveredAsync([.. batches]);
        Assert.Equal([messages[0].ReceiptHandle], provider.Sqs.DeletedReceiptHandles);
    }

    [Fact]
    public async Task DiscardedMessage_WithLeaveForRedrive_WhenTheVisibilityChangeFails_IsStillNotDeleted_AndTheErrorIsCounted()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options => options.DiscardPolicy = SqsDiscardPolicy.LeaveForRedrive);
        provider.Sqs.VisibilityFailure = new AmazonSQSException("Service unavailable");
        provider.Sqs.Enqueue("discard");

        Assert.Empty(await provider.ReceiveAsync());

        Assert.Empty(provider.Sqs.DeleteRequests);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.VisibilityErrors));
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.MessagesDiscarded));
    }

    [Fact]
    public async Task LeaveForRedrive_OnAQueueWithoutRedrivePolicy_WarnsAtStart()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options => options.DiscardPolicy = SqsDiscardPolicy.LeaveForRedrive);

        var request = Assert.Single(provider.Sqs.QueueAttributeRequests);
        Assert.Equal(["RedrivePolicy"], request.AttributeNames);
        Assert.Contains(provider.Logs(LogLevel.Warning), line => line.Contains("has no RedrivePolicy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MixedReceive_DeletesOnlyTheDiscardedMessageAtOnce()
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        var messages = provider.Sqs.Enqueue("i-1=x", "throw", "i-2=y");

        var batches = await provider.ReceiveAsync();

        Assert.Equal(2, batches.Count);
        Assert.Equal([messages[1].ReceiptHandle], provider.Sqs.DeletedReceiptHandles);
        await provider.DeliveredAsync([.. batches]);
        Assert.Equal([messages[1].ReceiptHandle, messages[0].ReceiptHandle, messages[2].ReceiptHandle], provider.Sqs.DeletedReceiptHandles);
    }

    [Fact]
    public async Task EmptyQueue_YieldsEmptyList()
    {
        await using var provider = await SqsProviderHarness.StartAsync();

        Assert.Empty(await provider.ReceiveAsync());
    }

    [Fact]
    public async Task ReceiveFailure_YieldsEmptyList_ThenBacksOffBeforeTryingAgain()
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        provider.Sqs.ReceiveFailure = new AmazonSQSException("Rate exceeded");
        provider.Sqs.Enqueue("i-1=x");

        Assert.Empty(await provider.ReceiveAsync());
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.ReceiveErrors));

        // Inside the back-off window the receiver does not call SQS at all.
        Assert.Empty(await provider.ReceiveAsync());
        Assert.Single(provider.Sqs.ReceiveRequests);

        provider.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(await provider.ReceiveAsync());
    }

    [Fact]
    public async Task TransportFailure_YieldsEmptyList()
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        provider.Sqs.ReceiveFailure = new HttpRequestException("connection refused");

        Assert.Empty(await provider.ReceiveAsync());
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.ReceiveErrors));
    }

    [Fact]
    public async Task ReceiveRequest_UsesTheOptions()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options =>
        {
            options.MaxMessagesPerReceive = 4;
            options.ReceiveWaitTime = TimeSpan.FromSeconds(2);
            options.VisibilityTimeout = TimeSpan.FromSeconds(90);
        });

        await provider.ReceiveAsync();
        await provider.Receiver.GetQueueMessagesAsync(2, CancellationToken.None);

        var request = provider.Sqs.ReceiveRequests[0];
        Assert.Equal(FakeSqs.QueueUrl, request.QueueUrl);
        Assert.Equal(4, request.MaxNumberOfMessages);
        Assert.Equal(2, request.WaitTimeSeconds);
        Assert.Equal(90, request.VisibilityTimeout);
        Assert.Equal(2, provider.Sqs.ReceiveRequests[1].MaxNumberOfMessages);
    }

    [Fact]
    public async Task ManyDeliveredMessages_AreDeletedInBatchesOfTen()
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        provider.Sqs.Enqueue([.. Enumerable.Range(0, 10).Select(i => $"i-{i}=x")]);
        provider.Sqs.Enqueue([.. Enumerable.Range(10, 5).Select(i => $"i-{i}=x")]);
        var batches = (await provider.ReceiveAsync()).Concat(await provider.ReceiveAsync()).ToArray();

        await provider.DeliveredAsync(batches);

        Assert.Equal([10, 5], provider.Sqs.DeleteRequests.Select(r => r.Entries.Count));
        Assert.Equal(15, provider.Sqs.DeletedReceiptHandles.Distinct().Count());
        Assert.Equal(15, provider.Counter(SqsStreamTelemetry.MessagesDelivered));
    }

    [Fact]
    public async Task DeleteFailure_IsCountedAndSwallowed()
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        var messages = provider.Sqs.Enqueue("i-1=x", "i-2=y");
        var batches = await provider.ReceiveAsync();
        provider.Sqs.RejectedReceiptHandles.Add(messages[0].ReceiptHandle);

        await provider.DeliveredAsync([.. batches]);

        Assert.Equal([messages[1].ReceiptHandle], provider.Sqs.DeletedReceiptHandles);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.DeleteErrors));
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.MessagesDelivered));

        provider.Sqs.Enqueue("i-3=z");
        var next = await provider.ReceiveAsync();
        provider.Sqs.DeleteFailure = new AmazonSQSException("Service unavailable");
        await provider.DeliveredAsync([.. next]);
        Assert.Equal(2, provider.Counter(SqsStreamTelemetry.DeleteErrors));
    }

    [Fact]
    public async Task MessageNotDeliveredWithinVisibilityTimeout_IsForgotten_NotDeletedWithAStaleHandle()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options => options.VisibilityTimeout = TimeSpan.FromSeconds(30));
        provider.Sqs.Enqueue("i-1=x");
        var stale = Assert.Single(await provider.ReceiveAsync());

        provider.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Empty(await provider.ReceiveAsync());
        await provider.DeliveredAsync(stale);

        Assert.Empty(provider.Sqs.DeleteRequests);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.MessagesExpired));
    }

    [Fact]
    public async Task UnknownBatches_AreIgnored()
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        var foreign = new SqsBatchContainer(TestMessageAdapter.Stream("i-9"), ["x"], new(7), "msg-foreign");

        await provider.DeliveredAsync(foreign);

        Assert.Empty(provider.Sqs.DeleteRequests);
    }

    [Fact]
    public async Task QueueName_IsResolvedWithGetQueueUrl()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options =>
        {
            options.QueueUrl = null;
            options.QueueName = "missing-at-first";
        });
        Assert.Empty(await provider.ReceiveAsync());
        Assert.Empty(provider.Sqs.ReceiveRequests);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.ReceiveErrors));

        provider.Sqs.ExistingQueues.Add("missing-at-first");
        provider.Clock.Advance(TimeSpan.FromMinutes(1));
        await provider.ReceiveAsync();

        Assert.Equal(FakeSqs.UrlOf("missing-at-first"), Assert.Single(provider.Sqs.ReceiveRequests).QueueUrl);
    }

    [Fact]
    public async Task MissingQueue_IsCreated_WhenAsked()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options =>
        {
            options.QueueUrl = null;
            options.QueueName = "spot-events";
            options.CreateQueueIfMissing = true;
        });

        await provider.ReceiveAsync();

        Assert.Equal(["spot-events"], provider.Sqs.CreatedQueues);
        Assert.Equal(FakeSqs.UrlOf("spot-events"), Assert.Single(provider.Sqs.ReceiveRequests).QueueUrl);
    }

    [Fact]
    public async Task Adapter_IsReadOnly_AndRefusesToProduce()
    {
        await using var provider = await SqsProviderHarness.StartAsync();

        Assert.Equal(StreamProviderDirection.ReadOnly, provider.Adapter.Direction);
        Assert.False(provider.Adapter.IsRewindable);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            provider.Adapter.QueueMessageBatchAsync(TestMessageAdapter.Stream("i-1"), ["x"], null, null));
        Assert.Contains("only reads", error.Message);
    }
}
