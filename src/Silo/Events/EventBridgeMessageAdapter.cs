using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using StatefulSpot.Grains;
using StatefulSpot.Grains.Events;
using StatefulSpot.Grains.Telemetry;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Silo.Events;

/// <summary>
/// Turns the raw EventBridge JSON on the SQS queue into <see cref="Grains.Interfaces.Ec2Event"/>s on the
/// <c>ec2-events</c> stream keyed by instance id. Unsupported and malformed messages are discarded with a reason.
/// </summary>
public sealed partial class EventBridgeMessageAdapter(StatefulSpotMetrics metrics, TimeProvider time, ILogger<EventBridgeMessageAdapter> logger)
    : ISqsMessageAdapter
{
    public SqsMessageDecision Decode(Message message)
    {
        var result = EventBridgeParser.Parse(message.Body);
        switch (result.Outcome)
        {
            case ParseOutcome.Parsed:
                foreach (var notice in result.Events)
                {
                    metrics.EventReceived(notice.Kind, time.GetUtcNow() - notice.Time);
                }

                return SqsMessageDecision.Deliver(
                    [.. result.Events.Select(e => new SqsStreamEvent(StreamId.Create(StreamNames.Ec2Events, e.InstanceId), e))]);
            case ParseOutcome.Malformed:
                LogMalformed(message.MessageId, result.Reason!);
                return SqsMessageDecision.Discard($"malformed: {result.Reason}");
            default:
                LogUnsupported(message.MessageId, result.Reason!);
                return SqsMessageDecision.Discard($"unsupported: {result.Reason}");
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "SQS message {MessageId} is not a valid EventBridge event: {Reason}")]
    private partial void LogMalformed(string messageId, string reason);

    [LoggerMessage(2, LogLevel.Debug, "SQS message {MessageId} carries no EC2 signal for StatefulSpot: {Reason}")]
    private partial void LogUnsupported(string messageId, string reason);
}
