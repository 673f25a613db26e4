using System.Diagnostics;
using Amazon.SQS;
using Amazon.SQS.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Sqs;

public sealed class MessageTests
{
    [Fact]
    public async Task SendAndReceive_BodyMd5IsValidatedByTheSdk()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;
        const string body = "{\"version\":\"0\",\"detail\":{\"note\":\"ünïcødé ✓\"}}";

        var sent = await world.Sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = url,
            MessageBody = body,
            MessageAttributes = new() { ["type"] = new MessageAttributeValue { DataType = "String", StringValue = "spot" } },
        });
        var received = await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = url,
            MaxNumberOfMessages = 10,
            MessageSystemAttributeNames = ["All"],
            MessageAttributeNames = ["All"],
        });

        Assert.Equal("041c1bef02b08e8ee6b02b623a790fdb", sent.MD5OfMessageAttributes);
        var message = Assert.Single(received.Messages);
        Assert.Equal(sent.MessageId, message.MessageId);
        Assert.Equal(body, message.Body);
        Assert.Equal(sent.MD5OfMessageBody, message.MD5OfBody);
        Assert.Equal("spot", message.MessageAttributes["type"].StringValue);
        Assert.Equal("1", message.Attributes["ApproximateReceiveCount"]);
        Assert.True(long.Parse(message.Attributes["SentTimestamp"]) > 0);
        Assert.True(long.Parse(message.Attributes["ApproximateFirstReceiveTimestamp"]) >= long.Parse(message.Attributes["SentTimestamp"]));
    }

    [Fact]
    public async Task ReceiveMessage_EmptyQueue_ReturnsNoMessages()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;

        var received = await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, WaitTimeSeconds = 0 });

        Assert.Null(received.Messages);
    }

    [Fact]
    public async Task SendMessageBatch_EachSuccessfulEntryCarriesItsMd5()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;

        var response = await world.Sqs.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = url,
            Entries = [new("a", "x"), new("b", "y"), new("c", "")],
        });

        Assert.Equal(["a", "b"], response.Successful.Select(s => s.Id).Order());
        Assert.Equal("9dd4e461268c8034f5c8564e155c67a6", response.Successful.Single(s => s.Id == "a").MD5OfMessageBody);
        var failed = Assert.Single(response.Failed);
        Assert.Equal("c", failed.Id);
        Assert.True(failed.SenderFault);
        var received = await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 10 });
        Assert.Equal(["x", "y"], received.Messages.Select(m => m.Body).Order());
    }

    [Fact]
    public async Task SendMessageBatch_InvalidBatches_ReturnTypedErrors()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;

        await Assert.ThrowsAsync<BatchEntryIdsNotDistinctException>(() => world.Sqs.SendMessageBatchAsync(url, [new("a", "x"), new("a", "y")]));
        await Assert.ThrowsAsync<TooManyEntriesInBatchRequestException>(() =>
            world.Sqs.SendMessageBatchAsync(url, Enumerable.Range(0, 11).Select(i => new SendMessageBatchRequestEntry($"e{i}", "x")).ToList()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public async Task ReceiveMessage_MaxNumberOfMessagesOutsideOneToTen_ReturnsInvalidParameterValue(int max)
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;

        var error = await Assert.ThrowsAsync<AmazonSQSException>(() =>
            world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = max }));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Contains("MaxNumberOfMessages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceiveMessage_AfterVisibilityTimeout_RedeliversWithHigherReceiveCountAndNewHandle()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;
        await world.Sqs.SendMessageAsync(url, "retry me");
        var request = new ReceiveMessageRequest { QueueUrl = url, VisibilityTimeout = 1, MessageSystemAttributeNames = ["ApproximateReceiveCount"] };

        var first = Assert.Single((await world.Sqs.ReceiveMessageAsync(request)).Messages);
        Assert.Null((await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url })).Messages);
        var second = await Eventually.ReturnsAsync(
            () => world.Sqs.ReceiveMessageAsync(request), r => r.Messages is { Count: 1 }, "redelivery", TimeSpan.FromSeconds(10));

        var again = Assert.Single(second.Messages);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal("1", first.Attributes["ApproximateReceiveCount"]);
        Assert.Equal("2", again.Attributes["ApproximateReceiveCount"]);
        Assert.NotEqual(first.ReceiptHandle, again.ReceiptHandle);
    }

    [Fact]
    public async Task DeleteMessage_RemovesTheMessage()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;
        await world.Sqs.SendMessageAsync(url, "done");
        var message = Assert.Single((await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, VisibilityTimeout = 0 })).Messages);

        await world.Sqs.DeleteMessageAsync(url, message.ReceiptHandle);

        Assert.Null((await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url })).Messages);
        await Assert.ThrowsAsync<ReceiptHandleIsInvalidException>(() => world.Sqs.DeleteMessageAsync(url, "garbage"));
    }

    [Fact]
    public async Task DeleteMessageBatch_DeletesValidEntriesAndReportsInvalidOnes()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;
        await world.Sqs.SendMessageBatchAsync(url, [new("a", "1"), new("b", "2"), new("c", "3")]);
        var messages = (await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 10 })).Messages;
        Assert.Equal(3, messages.Count);

        var response = await world.Sqs.DeleteMessageBatchAsync(url,
            [new("0", messages[0].ReceiptHandle), new("1", messages[1].ReceiptHandle), new("bad", "not-a-handle")]);

        Assert.Equal(["0", "1"], response.Successful.Select(s => s.Id).Order());
        var failed = Assert.Single(response.Failed);
        Assert.Equal("bad", failed.Id);
        Assert.Equal("ReceiptHandleIsInvalid", failed.Code);
        var queue = Assert.Single(world.Emulator.Snapshot().Queues, q => q.Name == "work");
        Assert.Equal(1, queue.InFlight + queue.Visible);
    }

    [Fact]
    public async Task ReceiveMessage_LongPoll_ReturnsAsSoonAsAMessageArrives()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;
        var clock = Stopwatch.StartNew();

        var polling = world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, WaitTimeSeconds = 20 });
        await Task.Delay(300);
        Assert.False(polling.IsCompleted);
        await world.Sqs.SendMessageAsync(url, "wake up");
        var received = await polling;

        Assert.Equal("wake up", Assert.Single(received.Messages).Body);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"long poll took {clock.Elapsed}");
    }

    [Fact]
    public async Task ReceiveMessage_LongPollOnEmptyQueue_WaitsThenReturnsNothing()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;
        var clock = Stopwatch.StartNew();

        var received = await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, WaitTimeSeconds = 1 });

        Assert.Null(received.Messages);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"returned after {clock.Elapsed}");
    }

    [Fact]
    public async Task ChangeMessageVisibility_ToZero_MakesTheMessageReceivableAgain()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;
        await world.Sqs.SendMessageAsync(url, "again");
        var first = Assert.Single((await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, VisibilityTimeout = 600 })).Messages);

        await world.Sqs.ChangeMessageVisibilityAsync(url, first.ReceiptHandle, 0);

        var second = Assert.Single((await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url })).Messages);
        Assert.Equal(first.MessageId, second.MessageId);
    }

    [Fact]
    public async Task RedrivePolicy_AfterMaxReceives_MovesTheMessageToTheDeadLetterQueue()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var dlq = (await world.Sqs.CreateQueueAsync("work-dlq")).QueueUrl;
        var url = (await world.Sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "work",
            Attributes = new() { ["RedrivePolicy"] = "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:work-dlq\",\"maxReceiveCount\":\"2\"}" },
        })).QueueUrl;
        await world.Sqs.SendMessageAsync(url, "poison");
        var request = new ReceiveMessageRequest { QueueUrl = url, VisibilityTimeout = 0 };

        Assert.Single((await world.Sqs.ReceiveMessageAsync(request)).Messages);
        Assert.Single((await world.Sqs.ReceiveMessageAsync(request)).Messages);
        Assert.Null((await world.Sqs.ReceiveMessageAsync(request)).Messages);

        Assert.Equal("poison", Assert.Single((await world.Sqs.ReceiveMessageAsync(dlq)).Messages).Body);
    }
}
