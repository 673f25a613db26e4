namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// Settings of one SQS stream provider (named options, keyed by the provider name). Validated at
/// silo start-up by <see cref="SqsStreamOptionsValidator"/>.
/// </summary>
public sealed class SqsStreamOptions
{
    /// <summary>The SQS limit on messages returned by one ReceiveMessage call.</summary>
    public const int MaxMessagesPerReceiveLimit = 10;

    /// <summary>The SQS limit on the long-poll wait of one ReceiveMessage call.</summary>
    public static readonly TimeSpan ReceiveWaitTimeLimit = TimeSpan.FromSeconds(20);

    /// <summary>The SQS limit on a message's visibility timeout (12 hours).</summary>
    public static readonly TimeSpan VisibilityTimeoutLimit = TimeSpan.FromHours(12);

    /// <summary>
    /// Full URL of the queue to read, e.g. <c>https://sqs.us-east-1.amazonaws.com/123456789012/spot-events</c>.
    /// Default: <see langword="null"/>. Set exactly one of <see cref="QueueUrl"/> and <see cref="QueueName"/>.
    /// </summary>
    public string? QueueUrl { get; set; }

    /// <summary>
    /// Name of the queue to read; its URL is resolved with GetQueueUrl when the receiver starts.
    /// Default: <see langword="null"/>. Set exactly one of <see cref="QueueUrl"/> and <see cref="QueueName"/>.
    /// </summary>
    public string? QueueName { get; set; }

    /// <summary>
    /// Create the queue named <see cref="QueueName"/> when it does not exist (a name ending in
    /// <c>.fifo</c> creates a FIFO queue). Only valid with <see cref="QueueName"/>. Default: <see langword="false"/>.
    /// </summary>
    public bool CreateQueueIfMissing { get; set; }

    /// <summary>Messages requested per ReceiveMessage call, 1 to 10. Default: 10.</summary>
    public int MaxMessagesPerReceive { get; set; } = MaxMessagesPerReceiveLimit;

    /// <summary>
    /// Long-poll wait of one ReceiveMessage call, whole seconds from 0 to 20. The pulling agent
    /// awaits the receive, so keep it short. Default: 1 second.
    /// </summary>
    public TimeSpan ReceiveWaitTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a received message stays hidden from other receivers, whole seconds from 1 second
    /// to 12 hours. It must exceed the time to deliver a message to every consumer: a message not
    /// delivered in time is received (and delivered) again. Default: 60 seconds.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
