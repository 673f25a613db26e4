namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// What an <see cref="ISqsMessageAdapter"/> decided for one SQS message: either
/// <see cref="Delivered"/> (one or more events, possibly on several streams) or
/// <see cref="Discarded"/>. Create instances with <see cref="Deliver"/> and
/// <see cref="Discard"/>.
/// </summary>
public abstract record SqsMessageDecision
{
    private SqsMessageDecision()
    {
    }

    /// <summary>
    /// Deliver these events. One message may fan out to several streams; events for the same
    /// stream keep their order and travel in one batch. The message is deleted from SQS once
    /// every batch made from it has been delivered.
    /// </summary>
    /// <exception cref="ArgumentException">No events were given, or one of them is null.</exception>
    public static SqsMessageDecision Deliver(params IReadOnlyList<SqsStreamEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("Deliver needs at least one event; use Discard for a message that carries none.", nameof(events));
        }

        foreach (var streamEvent in events)
        {
            if (streamEvent?.Event is null)
            {
                throw new ArgumentException("A stream event and its Event payload must not be null.", nameof(events));
            }
        }

        return new Delivered([.. events]);
    }

    /// <summary>
    /// Discard the message: it is logged with the reason and, by <see cref="SqsStreamOptions.DiscardPolicy"/>,
    /// deleted from SQS at once or left for the queue's RedrivePolicy.
    /// </summary>
    public static SqsMessageDecision Discard(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new Discarded(reason);
    }

    /// <summary>The message carries events to deliver.</summary>
    public sealed record Delivered : SqsMessageDecision
    {
        internal Delivered(IReadOnlyList<SqsStreamEvent> events) => Events = events;

        /// <summary>The events, in message order; never empty.</summary>
        public IReadOnlyList<SqsStreamEvent> Events { get; }
    }

    /// <summary>The message is dropped.</summary>
    public sealed record Discarded : SqsMessageDecision
    {
        internal Discarded(string reason) => Reason = reason;

        /// <summary>Why the message was dropped; it is logged.</summary>
        public string Reason { get; }
    }
}
