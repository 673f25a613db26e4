using Amazon.SQS.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Sqs;

/// <summary>The event queue comes with a dead-letter queue, like the one the deployment's CloudFormation makes.</summary>
public sealed class EventQueueDeadLetterTests
{
    [Fact]
    public async Task EventQueue_ByDefault_MovesAMessageToItsDeadLetterQueueAfterFiveReceives()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = world.Emulator.EventQueueUrl;

        var attributes = await world.Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = ["RedrivePolicy"] });
        Assert.Contains("statefulspot-events-dlq", attributes.Attributes["RedrivePolicy"]);
        Assert.Contains("\"maxReceiveCount\":\"5\"", attributes.Attributes["RedrivePolicy"]);

        await world.Sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = "{ not an event" });
        for (var receive = 0; receive < 5; receive++)
        {
            var received = await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, VisibilityTimeout = 0, WaitTimeSeconds = 1 });
            Assert.Single(received.Messages ?? []);
        }

        var afterFive = await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, WaitTimeSeconds = 0 });
        Assert.Empty(afterFive.Messages ?? []);
        var deadLetterUrl = (await world.Sqs.GetQueueUrlAsync("statefulspot-events-dlq")).QueueUrl;
        var deadLetter = await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = deadLetterUrl, WaitTimeSeconds = 1 });
        Assert.Equal("{ not an event", Assert.Single(deadLetter.Messages ?? []).Body);
    }

    [Fact]
    public async Task EventQueue_WithMaxReceiveCountZero_HasNoDeadLetterQueue()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.EventQueueMaxReceiveCount = 0);

        var attributes = await world.Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = world.Emulator.EventQueueUrl,
            AttributeNames = ["All"],
        });
        Assert.False(attributes.Attributes.ContainsKey("RedrivePolicy"));
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => world.Sqs.GetQueueUrlAsync("statefulspot-events-dlq"));
    }
}
