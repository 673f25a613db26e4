using Microsoft.Extensions.Logging;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Unit.Tests.Streaming;

/// <summary>Noise on the queue costs little and goes at once: moved to the dead-letter queue in batches, logged once a poll.</summary>
public sealed class SqsDiscardTests
{
    private const string RedrivePolicy = """{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:spot-events-dlq","maxReceiveCount":"3"}""";

    [Fact]
    public async Task WithLeaveForRedrive_AndADeadLetterQueue_DiscardedMessagesAreMovedThereAtOnce_NotLeftToComeBack()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options => options.DiscardPolicy = SqsDiscardPolicy.LeaveForRedrive);
        provider.Sqs.QueueAttributes["RedrivePolicy"] = RedrivePolicy;
        var messages = provider.Sqs.Enqueue("i-1=x", "discard", "not-a-pair");

        var batches = await provider.ReceiveAsync();

        Assert.Single(batches);
        var sent = Assert.Single(provider.Sqs.SentBatches);
        Assert.Equal(FakeSqs.UrlOf("spot-events-dlq"), sent.QueueUrl);
        Assert.Equal(["discard", "not-a-pair"], sent.Entries.Select(e => e.MessageBody));
        Assert.Equal([messages[1].MessageId, messages[2].MessageId], sent.Entries.Select(e => e.MessageAttributes["statefulspot.source-message-id"].StringValue));
        Assert.Equal([messages[1].ReceiptHandle, messages[2].ReceiptHandle], provider.Sqs.DeletedReceiptHandles);
        Assert.Empty(provider.Sqs.VisibilityChanges);
        Assert.Equal(2, provider.Counter(SqsStreamTelemetry.MessagesDeadLettered));
    }

    [Fact]
    public async Task WithLeaveForRedrive_AndNoDeadLetterQueue_DiscardedMessagesAreLeftForRedrive_AsBefore()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options => options.DiscardPolicy = SqsDiscardPolicy.LeaveForRedrive);
        var messages = provider.Sqs.Enqueue("discard");

        await provider.ReceiveAsync();

        Assert.Empty(provider.Sqs.SentBatches);
        Assert.Equal(messages[0].ReceiptHandle, Assert.Single(provider.Sqs.VisibilityChanges).ReceiptHandle);
    }

    [Fact]
    public async Task APollThatReceivesOnlyMessagesToDiscard_ReadsOnAtOnce_AndLogsOneWarningPerReceive()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options =>
        {
            options.MaxMessagesPerReceive = 2;
            options.ReceivesPerPoll = 1;
        });
        provider.Sqs.Enqueue("discard", "discard");
        provider.Sqs.Enqueue("discard", "not-a-pair");
        provider.Sqs.Enqueue("i-1=x");

        var batches = await provider.ReceiveAsync();

        Assert.Single(batches);
        Assert.Equal(3, provider.Sqs.ReceiveRequests.Count);
        Assert.Equal(2, provider.Logs(LogLevel.Warning).Count(l => l.Contains("just received", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AllNoise_StopsReadingOnAfterABoundedNumberOfReceives()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options =>
        {
            options.MaxMessagesPerReceive = 1;
            options.ReceivesPerPoll = 1;
        });
        for (var i = 0; i < 50; i++)
        {
            provider.Sqs.Enqueue("discard");
        }

        Assert.Empty(await provider.ReceiveAsync());
        Assert.InRange(provider.Sqs.ReceiveRequests.Count, 2, 10);
    }

    [Theory]
    [InlineData("https://sqs.us-east-1.amazonaws.com/123456789012/statefulspot-events", "arn:aws:sqs:us-east-1:123456789012:statefulspot-events-dlq",
        "https://sqs.us-east-1.amazonaws.com/123456789012/statefulspot-events-dlq")]
    [InlineData("http://127.0.0.1:4566/000000000000/events", "arn:aws:sqs:us-east-1:111111111111:other-dlq", "http://127.0.0.1:4566/111111111111/other-dlq")]
    public void TheDeadLetterQueue_IsAddressedOnTheQueuesOwnEndpoint(string queueUrl, string arn, string expected) =>
        Assert.Equal(expected, SqsQueueClient.DeadLetterUrl(queueUrl, $$"""{"deadLetterTargetArn":"{{arn}}","maxReceiveCount":"5"}"""));

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"maxReceiveCount":"5"}""")]
    [InlineData("""{"deadLetterTargetArn":"not-an-arn"}""")]
    public void AnUnreadableRedrivePolicy_HasNoDeadLetterQueue(string policy) =>
        Assert.Null(SqsQueueClient.DeadLetterUrl(FakeSqs.QueueUrl, policy));
}
