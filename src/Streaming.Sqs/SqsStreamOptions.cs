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
    /// When one receive comes back full (a burst, such as a thousand interruption warnings at once), how many
    /// ReceiveMessage calls one poll makes in all, the extra ones at once and without waiting: a poll then takes up to
    /// this many times <see cref="MaxMessagesPerReceive"/> messages. 1 to 20. Default: 10.
    /// </summary>
    public int ReceivesPerPoll { get; set; } = 10;

    /// <summary>
    /// How many receivers read the one SQS queue, as competing consumers: each is an Orleans queue with a pulling agent
    /// of its own, and Orleans spreads them over the silos, so a burst is received and delivered by every silo at once.
    /// SQS keeps a received message from the other receivers until its visibility timeout, as with any consumers. The
    /// price: one receiver delivers the events of a stream in the order it received them (a later event waits while an
    /// earlier one is retried); several let a later event overtake an earlier one. Each idle receiver makes one
    /// long-poll ReceiveMessage call per <see cref="ReceiveWaitTime"/>. 1 to 32. Default: 1.
    /// </summary>
    public int ReceiverCount { get; set; } = 1;

    /// <summary>
    /// Long-poll wait of one ReceiveMessage call, whole seconds from 0 to 20. The pulling agent
    /// awaits the receive, so keep it short. Default: 1 second.
    /// </summary>
    public TimeSpan ReceiveWaitTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a received message stays hidden from other receivers, whole seconds from 1 second
    /// to 12 hours. While a message's stream events wait in the pulling agent's cache, the provider
    /// extends this timeout (see <see cref="MaxInFlightTime"/>); it checks on every poll, so keep
    /// <see cref="ReceiveWaitTime"/> well below half of it. A message whose timeout passes before
    /// it is delivered is received (and delivered) again. Default: 60 seconds.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest a received message is kept hidden while its stream events are not yet delivered,
    /// from 0 to 12 hours (the SQS limit). Default: 15 minutes.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A message is deleted only when the pulling agent reports every batch made from it as
    /// delivered. Until then, whenever less than half of <see cref="VisibilityTimeout"/> is left,
    /// the provider extends the message's visibility by <see cref="VisibilityTimeout"/> with
    /// ChangeMessageVisibility, but never beyond <see cref="MaxInFlightTime"/> after it was received.
    /// It does so from the agent's polls (every <c>GetQueueMsgsTimerPeriod</c>, 100 ms by default),
    /// not from a timer of its own; the agent stops polling while its cache is under pressure, and
    /// then messages are not extended. A failed extension is logged and counted
    /// (<see cref="SqsStreamTelemetry.VisibilityErrors"/>) and retried on a later poll.
    /// </para>
    /// <para>
    /// Past this bound the provider stops extending (and logs it): SQS makes the message visible
    /// again, it is received again (here or on another silo) and its receive count grows, so a
    /// queue RedrivePolicy eventually dead-letters a message that never gets delivered. This is what
    /// happens to a message whose consumer keeps throwing: the agent retries the batch for
    /// <c>StreamPullingAgentOptions.MaxEventDeliveryTime</c> (1 minute by default), then drops it
    /// from its cache without reporting it as delivered, so the message is never deleted. Keep this
    /// value well above <c>MaxEventDeliveryTime</c>: one slow or failing stream holds back the
    /// messages that were received after it, and they must stay hidden meanwhile.
    /// </para>
    /// <para>Set it to <see cref="VisibilityTimeout"/> or less to never extend (the behaviour before this option existed).</para>
    /// </remarks>
    public TimeSpan MaxInFlightTime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// What happens to a message the <see cref="ISqsMessageAdapter"/> discards, or fails to decode.
    /// <see cref="SqsDiscardPolicy.Delete"/> deletes it at once. <see cref="SqsDiscardPolicy.LeaveForRedrive"/>
    /// leaves it in the queue, visible again after <see cref="RedriveDelay"/>, for the queue's
    /// RedrivePolicy to move to a dead-letter queue after <c>maxReceiveCount</c> receives; each of
    /// those receives is logged and counted as a discard. Give the queue a RedrivePolicy before
    /// choosing it (the provider warns at start-up when it sees none). Default: <see cref="SqsDiscardPolicy.Delete"/>.
    /// </summary>
    public SqsDiscardPolicy DiscardPolicy { get; set; } = SqsDiscardPolicy.Delete;

    /// <summary>
    /// With <see cref="SqsDiscardPolicy.LeaveForRedrive"/>, how long a discarded message stays hidden
    /// before SQS offers it again, whole seconds from 0 to 12 hours. Zero brings it back on the next
    /// poll, which reaches the dead-letter queue fastest but spins on the message if the queue has no
    /// RedrivePolicy. Ignored with <see cref="SqsDiscardPolicy.Delete"/>. Default: 5 seconds.
    /// </summary>
    public TimeSpan RedriveDelay { get; set; } = TimeSpan.FromSeconds(5);
}
