using Amazon.SQS;
using Amazon.SQS.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Sqs;

public sealed class QueueTests
{
    [Fact]
    public async Task CreateQueue_SameNameAndAttributes_ReturnsTheSameUrl()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = "20", ["MessageRetentionPeriod"] = "300" };

        var first = await world.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "work", Attributes = attributes });
        var again = await world.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "work", Attributes = attributes });

        Assert.Equal($"{world.Emulator.ServiceUrl}123456789012/work", first.QueueUrl);
        Assert.Equal(first.QueueUrl, again.QueueUrl);
    }

    [Fact]
    public async Task CreateQueue_SameNameOtherAttributes_ReturnsQueueNameExists()
    {
        await using var world = await EmulatorHarness.StartAsync();
        await world.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "work", Attributes = new() { ["VisibilityTimeout"] = "20" } });

        var error = await Assert.ThrowsAsync<QueueNameExistsException>(() => world.Sqs.CreateQueueAsync(
            new CreateQueueRequest { QueueName = "work", Attributes = new() { ["VisibilityTimeout"] = "40" } }));
        Assert.Equal("QueueAlreadyExists", error.ErrorCode);
    }

    [Fact]
    public async Task CreateQueue_InvalidAttribute_ReturnsTypedErrors()
    {
        await using var world = await EmulatorHarness.StartAsync();

        await Assert.ThrowsAsync<InvalidAttributeNameException>(() => world.Sqs.CreateQueueAsync(
            new CreateQueueRequest { QueueName = "work", Attributes = new() { ["Colour"] = "blue" } }));
        await Assert.ThrowsAsync<InvalidAttributeValueException>(() => world.Sqs.CreateQueueAsync(
            new CreateQueueRequest { QueueName = "work", Attributes = new() { ["VisibilityTimeout"] = "99999" } }));
    }

    [Fact]
    public async Task GetQueueUrl_KnownAndEventQueue_AndMissing_ReturnsQueueDoesNotExist()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var events = await world.Sqs.GetQueueUrlAsync("statefulspot-events");
        Assert.Equal(world.Emulator.EventQueueUrl, events.QueueUrl);
        var error = await Assert.ThrowsAsync<QueueDoesNotExistException>(() => world.Sqs.GetQueueUrlAsync("nope"));
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", error.ErrorCode);
        Assert.Equal(Amazon.Runtime.ErrorType.Sender, error.ErrorType);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
    }

    [Fact]
    public async Task GetQueueAttributes_ReportsCountsAndSettings()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "work", Attributes = new() { ["VisibilityTimeout"] = "45" } })).QueueUrl;
        await world.Sqs.SendMessageAsync(url, "a");
        await world.Sqs.SendMessageAsync(url, "b");
        await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 1 });

        var attributes = await world.Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = ["All"] });

        Assert.Equal(1, attributes.ApproximateNumberOfMessages);
        Assert.Equal(1, attributes.ApproximateNumberOfMessagesNotVisible);
        Assert.Equal(45, attributes.VisibilityTimeout);
        Assert.Equal("arn:aws:sqs:us-east-1:123456789012:work", attributes.QueueARN);
        await Assert.ThrowsAsync<InvalidAttributeNameException>(() =>
            world.Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = ["Colour"] }));
    }

    [Fact]
    public async Task ListPurgeAndDeleteQueue_Work()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;
        await world.Sqs.SendMessageAsync(url, "a");

        var listed = await world.Sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = "wo" });
        Assert.Equal([url], listed.QueueUrls);
        await world.Sqs.PurgeQueueAsync(url);
        Assert.Equal(0, (await world.Sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages);
        await world.Sqs.DeleteQueueAsync(url);
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => world.Sqs.GetQueueUrlAsync("work"));
    }
}
