using Microsoft.Extensions.Logging;

namespace StatefulSpot.Streaming.Sqs;

internal sealed partial class SqsQueueClient
{
    [LoggerMessage(Level = LogLevel.Information, Message = "SQS stream provider {Provider} created queue {QueueName} at {QueueUrl}")]
    private partial void LogQueueCreated(string provider, string queueName, string queueUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} could not change the visibility timeout of {FailedCount} of {MessageCount} message(s); each reappears after its current visibility timeout at the latest")]
    private partial void LogVisibilityChangeFailed(Exception exception, string provider, int failedCount, int messageCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} leaves discarded messages for redrive, but queue {QueueUrl} has no RedrivePolicy: a discarded message comes back every {RedriveDelay} until its retention period ends")]
    private partial void LogNoRedrivePolicy(string provider, string queueUrl, TimeSpan redriveDelay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} could not move {MessageCount} discarded message(s) to the dead-letter queue {DeadLetterUrl}; they are left for redrive")]
    private partial void LogMoveFailed(Exception exception, string provider, int messageCount, string deadLetterUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQS stream provider {Provider} could not read the RedrivePolicy of queue {QueueUrl}; make sure it has one, or discarded messages come back until they age out")]
    private partial void LogRedrivePolicyUnknown(Exception exception, string provider, string queueUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} could not delete message {MessageId} ({ErrorCode}: {ErrorMessage}); it will reappear after its visibility timeout")]
    private partial void LogDeleteRejected(string provider, string messageId, string errorCode, string errorMessage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS stream provider {Provider} could not delete {MessageCount} message(s); they will reappear after their visibility timeout")]
    private partial void LogDeleteFailed(Exception exception, string provider, int messageCount);
}
