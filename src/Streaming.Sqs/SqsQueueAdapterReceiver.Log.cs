using Microsoft.Extensions.Logging;

namespace StatefulSpot.Streaming.Sqs;

internal sealed partial class SqsQueueAdapterReceiver
{
    [LoggerMessage(Level = LogLevel.Information, Message = "SQS stream provider {Provider} reads queue {QueueUrl}")]
    private partial void LogStarted(string provider, string queueUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQS stream provider {Provider} stopped; {ReleasedCount} undelivered message(s) made visible again for another receiver, {UnreleasedCount} will reappear after their visibility timeout")]
    private partial void LogStopped(string provider, int releasedCount, int unreleasedCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} could not resolve the URL of queue {QueueName} yet; it retries on every poll")]
    private partial void LogQueueUrlUnresolved(Exception exception, string provider, string? queueName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} failed to receive messages ({FailureCount} failure(s) in a row); next attempt in {RetryDelay}")]
    private partial void LogReceiveFailed(Exception exception, string provider, int failureCount, TimeSpan retryDelay);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQS stream provider {Provider} receives messages again after {FailureCount} failure(s)")]
    private partial void LogReceiveRecovered(string provider, int failureCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SQS stream provider {Provider} discarded message {MessageId} ({DiscardPolicy}): {Reason}")]
    private partial void LogDiscarded(string provider, string messageId, string reason, SqsDiscardPolicy discardPolicy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} discarded {DiscardedCount} of {ReceivedCount} message(s) just received ({DiscardPolicy}), the first because {Reason}; each is logged at Debug")]
    private partial void LogDiscardedPoll(string provider, int discardedCount, int receivedCount, string reason, SqsDiscardPolicy discardPolicy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider}: the message adapter failed on message {MessageId}; the message is discarded")]
    private partial void LogDecodeFailed(Exception exception, string provider, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider}: message {MessageId} was not delivered within {InFlightTime} and its visibility timeout has passed; SQS will deliver it again")]
    private partial void LogExpired(string provider, string messageId, TimeSpan inFlightTime);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SQS stream provider {Provider} extended the visibility of {MessageCount} undelivered message(s) by up to {VisibilityTimeout}")]
    private partial void LogExtended(string provider, int messageCount, TimeSpan visibilityTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider}: message {MessageId} is still not delivered after {InFlightTime}, the MaxInFlightTime; its visibility is no longer extended and SQS will deliver it again in {VisibleFor}")]
    private partial void LogExtensionStopped(string provider, string messageId, TimeSpan inFlightTime, TimeSpan visibleFor);

}
