using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging.Abstractions;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Sqs;

public sealed class QueueAttributeTests
{
    private const string DeadLetterArn = "arn:aws:sqs:us-east-1:123456789012:work-dlq";

    [Fact]
    public async Task SetQueueAttributes_RedrivePolicy_MovesMessagesAfterMaxReceives_AndEmptyRemovesIt()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var dlq = (await world.Sqs.CreateQueueAsync("work-dlq")).QueueUrl;
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;

        await world.Sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest
        {
            QueueUrl = url,
            Attributes = new() { ["RedrivePolicy"] = $"{{\"deadLetterTargetArn\":\"{DeadLetterArn}\",\"maxReceiveCount\":1}}", ["VisibilityTimeout"] = "0" },
        });
        await world.Sqs.SendMessageAsync(url, "poison");
        var attributes = await world.Sqs.GetQueueAttributesAsync(url, ["All"]);

        Assert.Contains("work-dlq", attributes.Attributes["RedrivePolicy"], StringComparison.Ordinal);
        Assert.Equal(0, attributes.VisibilityTimeout);
        Assert.Single((await world.Sqs.ReceiveMessageAsync(url)).Messages);
        Assert.Null((await world.Sqs.ReceiveMessageAsync(url)).Messages);
        Assert.Equal("poison", Assert.Single((await world.Sqs.ReceiveMessageAsync(dlq)).Messages).Body);

        await world.Sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest { QueueUrl = url, Attributes = new() { ["RedrivePolicy"] = "" } });
        Assert.False((await world.Sqs.GetQueueAttributesAsync(url, ["All"])).Attributes.ContainsKey("RedrivePolicy"));
    }

    [Fact]
    public async Task SetQueueAttributes_InvalidValuesOrNames_AreTypedErrors()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;

        await Assert.ThrowsAsync<InvalidAttributeValueException>(() => world.Sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest
        {
            QueueUrl = url,
            Attributes = new() { ["VisibilityTimeout"] = "50000" },
        }));
        await Assert.ThrowsAsync<InvalidAttributeValueException>(() => world.Sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest
        {
            QueueUrl = url,
            Attributes = new() { ["RedrivePolicy"] = "{\"maxReceiveCount\":1}" },
        }));
        await Assert.ThrowsAsync<InvalidAttributeNameException>(() => world.Sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest
        {
            QueueUrl = url,
            Attributes = new() { ["Colour"] = "blue" },
        }));
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => world.Sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest
        {
            QueueUrl = url + "-missing",
            Attributes = new() { ["VisibilityTimeout"] = "5" },
        }));
    }

    [Fact]
    public async Task PurgeQueue_TwiceWithinSixtySeconds_IsPurgeQueueInProgress403()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;
        await world.Sqs.PurgeQueueAsync(url);

        var error = await Assert.ThrowsAsync<PurgeQueueInProgressException>(() => world.Sqs.PurgeQueueAsync(url));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Contains("60 seconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_MessagesOlderThanTheRetentionPeriodAreGone()
    {
        var clock = new ShiftedTimeProvider();
        await using var emulator = await AwsEmulator.StartAsync(new EmulatorOptions { TimeScale = 0.01 }, NullLoggerFactory.Instance, clock);
        using var sqs = new AmazonSQSClient(new BasicAWSCredentials("a", "b"),
            new AmazonSQSConfig { ServiceURL = emulator.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1" });
        var url = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "short", Attributes = new() { ["MessageRetentionPeriod"] = "60" } })).QueueUrl;
        await sqs.SendMessageAsync(url, "old");

        clock.Offset = TimeSpan.FromSeconds(61);
        await sqs.SendMessageAsync(url, "new");

        Assert.Equal(1, (await sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages);
        var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 10 });
        Assert.Equal("new", Assert.Single(received.Messages).Body);
    }

    /// <summary>The system clock moved forward by <see cref="Offset"/>; timers stay the system's.</summary>
    private sealed class ShiftedTimeProvider : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }
}
