using System.Globalization;
using Amazon.SQS.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StatefulSpot.Cluster.Tests.Recovery;

namespace StatefulSpot.Cluster.Tests.Delivery;

/// <summary>
/// A cluster whose event stream options come from configuration (short timeouts, the default discard policy) and
/// whose <c>ec2-events</c> deliveries to one EC2 instance always fail.
/// </summary>
public sealed class AlwaysFailingDeliveryClusterFixture : StatefulSpotClusterFixture
{
    /// <summary>The instance whose stream events can never be delivered; no managed instance owns it.</summary>
    public const string PoisonedInstanceId = "i-0dead1e77e7000001";

    public AlwaysFailDelivery Filter { get; } = new();

    protected override IConfiguration CreateConfiguration() => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StatefulSpot:Events:VisibilityTimeout"] = "00:00:01",
            ["StatefulSpot:Events:MaxInFlightTime"] = "00:00:01",
            ["StatefulSpot:Events:RedriveDelay"] = "00:00:00",
            ["StatefulSpot:Events:ReceiveWaitTime"] = "00:00:00",
        })
        .Build();

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.Services.AddSingleton<IIncomingGrainCallFilter>(Filter);

    /// <summary>Fails every stream delivery (the consumer extension's Deliver* calls) to the poisoned instance's grain.</summary>
    public sealed class AlwaysFailDelivery : IIncomingGrainCallFilter
    {
        private int _failures;

        public int Failures => Volatile.Read(ref _failures);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name.StartsWith("Deliver", StringComparison.Ordinal) == true
                && context.TargetId.Key.ToString() == PoisonedInstanceId)
            {
                Interlocked.Increment(ref _failures);
                throw new TimeoutException("test: the delivery of this event always fails");
            }

            return context.Invoke();
        }
    }
}

/// <summary>The README's dead-letter promise, reached by configuration alone: a message that never gets delivered ends in the DLQ.</summary>
public sealed class DeadLetterTests(AlwaysFailingDeliveryClusterFixture fixture) : IClassFixture<AlwaysFailingDeliveryClusterFixture>
{
    private const int MaxReceiveCount = 3;

    [Fact]
    public async Task MessageWhoseDeliveryAlwaysFails_IsMovedToTheDeadLetterQueue_ByTheQueuesRedrivePolicy()
    {
        var deadLetterUrl = await GiveTheEventQueueARedrivePolicyAsync();
        var eventId = Guid.NewGuid().ToString();

        var sent = await fixture.Sqs.SendMessageAsync(fixture.Emulator.EventQueueUrl, SpotWarning(eventId, AlwaysFailingDeliveryClusterFixture.PoisonedInstanceId));

        var deadLettered = await WaitForDeadLetterAsync(deadLetterUrl, sent.MessageId);
        Assert.Contains(eventId, deadLettered.Body);
        Assert.True(int.Parse(deadLettered.Attributes["ApproximateReceiveCount"], CultureInfo.InvariantCulture) >= MaxReceiveCount);
        Assert.True(fixture.Filter.Failures > 0);
        await AssertEventQueueIsEmptyAsync();
    }

    [Fact]
    public async Task MalformedMessage_ByDefault_IsLeftForRedrive_AndMovedToTheDeadLetterQueue()
    {
        var deadLetterUrl = await GiveTheEventQueueARedrivePolicyAsync();

        var sent = await fixture.Sqs.SendMessageAsync(fixture.Emulator.EventQueueUrl, "this is not an EventBridge event");

        var deadLettered = await WaitForDeadLetterAsync(deadLetterUrl, sent.MessageId);
        Assert.Equal("this is not an EventBridge event", deadLettered.Body);
        await AssertEventQueueIsEmptyAsync();
    }

    /// <summary>Creates the dead-letter queue and points the event queue's RedrivePolicy at it (both idempotent); returns the DLQ's URL.</summary>
    private async Task<string> GiveTheEventQueueARedrivePolicyAsync()
    {
        var sqs = fixture.Sqs;
        var deadLetterUrl = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "statefulspot-events-dlq" })).QueueUrl;
        var deadLetterArn = (await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = deadLetterUrl,
            AttributeNames = ["QueueArn"],
        })).Attributes["QueueArn"];
        await sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest
        {
            QueueUrl = fixture.Emulator.EventQueueUrl,
            Attributes = new() { ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{deadLetterArn}}","maxReceiveCount":"{{MaxReceiveCount}}"}""" },
        });
        return deadLetterUrl;
    }

    /// <summary>The event queue holds nothing, within a few seconds (a move sends the copy before it deletes the original).</summary>
    private async Task AssertEventQueueIsEmptyAsync()
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var main = await fixture.Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
            {
                QueueUrl = fixture.Emulator.EventQueueUrl,
                AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            });
            if (main.ApproximateNumberOfMessages + main.ApproximateNumberOfMessagesNotVisible == 0 || DateTimeOffset.UtcNow >= deadline)
            {
                Assert.Equal(0, main.ApproximateNumberOfMessages);
                Assert.Equal(0, main.ApproximateNumberOfMessagesNotVisible);
                return;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Reads (and deletes) the dead-letter queue until the message with <paramref name="messageId"/> is there.</summary>
    private async Task<Message> WaitForDeadLetterAsync(string deadLetterUrl, string messageId)
    {
        var deadline = DateTimeOffset.UtcNow + StatefulSpotClusterFixture.Patience;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var received = await fixture.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = deadLetterUrl,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 1,
                MessageSystemAttributeNames = ["All"],
                MessageAttributeNames = ["All"],
            });
            foreach (var message in received.Messages ?? [])
            {
                await fixture.Sqs.DeleteMessageAsync(deadLetterUrl, message.ReceiptHandle);
                // Moved by SQS's redrive it keeps its id; moved by the provider (a discard) it names its source.
                if (message.MessageId == messageId
                    || message.MessageAttributes?.GetValueOrDefault("statefulspot.source-message-id")?.StringValue == messageId)
                {
                    return message;
                }
            }
        }

        throw new TimeoutException($"message {messageId} did not reach the dead-letter queue within {StatefulSpotClusterFixture.Patience}");
    }

    private static string SpotWarning(string eventId, string instanceId) => $$"""
        {
          "version": "0",
          "id": "{{eventId}}",
          "detail-type": "EC2 Spot Instance Interruption Warning",
          "source": "aws.ec2",
          "account": "123456789012",
          "time": "{{DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}",
          "region": "us-east-1",
          "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/{{instanceId}}"],
          "detail": { "instance-id": "{{instanceId}}", "instance-action": "terminate" }
        }
        """;
}
