using Microsoft.Extensions.Logging;

namespace StatefulSpot.Streaming.Sqs;

internal sealed partial class SqsQueueAdapterReceiver
{
    [LoggerMessage(Level = LogLevel.Information, Message = "SQS stream provider {Provider} reads queue {QueueUrl}")]
    private partial void LogStarted(string provider, string queueUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQS stream provider {Provider} stopped; {InFlightCount} undelivered message(s) will reappear in the queue after their visibility timeout")]
    private partial void LogStopped(string provider, int inFlightCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} could not resolve the URL of queue {QueueName} yet; it retries on every poll")]
    private partial void LogQueueUrlUnresolved(Exception exception, string provider, string? queueName);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQS stream provider {Provider} created queue {QueueName} at {QueueUrl}")]
    private partial void LogQueueCreated(string provider, string queueName, string queueUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} failed to receive messages ({FailureCount} failure(s) in a row); next attempt in {RetryDelay}")]
    private partial void LogReceiveFailed(Exception exception, string provider, int failureCount, TimeSpan retryDelay);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQS stream provider {Provider} receives messages again after {FailureCount} failure(s)")]
    private partial void LogReceiveRecovered(string provider, int failureCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} discarded message {MessageId}: {Reason}")]
    private partial void LogDiscarded(string provider, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider}: the message adapter failed on message {MessageId}; the message is discarded")]
    private partial void LogDecodeFailed(Exception exception, string provider, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider}: message {MessageId} was not delivered within its visibility timeout {VisibilityTimeout}; SQS will deliver it again")]
    private partial void LogExpired(string provider, string messageId, TimeSpan visibilityTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} could not delete message {MessageId} ({ErrorCode}: {ErrorMessage}); it will reappear after its visibility timeout")]
    private partial void LogDeleteRejected(string provider, string messageId, string errorCode, string errorMessage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} could not delete {MessageCount} message(s); they will reappear after their visibility timeout")]
    private partial void LogDeleteFailed(Exception exception, string provider, int messageCount);
}
