using System.Diagnostics.Metrics;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// Names of the provider's meter and counters. Every measurement carries the tag
/// <see cref="ProviderTag"/> with the stream provider name.
/// </summary>
public static class SqsStreamTelemetry
{
    /// <summary>The <see cref="Meter"/> name to subscribe to, e.g. with OpenTelemetry's <c>AddMeter</c>.</summary>
    public const string MeterName = "StatefulSpot.Streaming.Sqs";

    /// <summary>The tag that carries the stream provider name.</summary>
    public const string ProviderTag = "provider";

    /// <summary>Messages returned by ReceiveMessage.</summary>
    public const string MessagesReceived = "statefulspot.sqs.messages.received";

    /// <summary>Messages deleted after all their stream events were delivered.</summary>
    public const string MessagesDelivered = "statefulspot.sqs.messages.delivered";

    /// <summary>
    /// Messages the adapter discarded (or failed to decode). They are deleted at once, or, with
    /// <see cref="SqsDiscardPolicy.LeaveForRedrive"/>, left for the queue's RedrivePolicy, so the
    /// same message counts once per receive.
    /// </summary>
    public const string MessagesDiscarded = "statefulspot.sqs.messages.discarded";
    public const string MessagesDeadLettered = "statefulspot.sqs.messages.dead_lettered";

    /// <summary>
    /// In-flight messages forgotten because their visibility timeout passed before delivery (not
    /// extended in time, or held longer than <see cref="SqsStreamOptions.MaxInFlightTime"/>); SQS redelivers them.
    /// </summary>
    public const string MessagesExpired = "statefulspot.sqs.messages.expired";

    /// <summary>In-flight messages made visible again when the receiver shut down, so that another silo reads them at once.</summary>
    public const string MessagesReleased = "statefulspot.sqs.messages.released";

    /// <summary>Successful extensions of an in-flight message's visibility timeout (ChangeMessageVisibility calls).</summary>
    public const string VisibilityExtensions = "statefulspot.sqs.visibility.extensions";

    /// <summary>
    /// Failed ChangeMessageVisibility calls: extending an in-flight message, leaving a discarded
    /// message for redrive, or releasing messages at shutdown. None is fatal: the message reappears
    /// after its current visibility timeout at the latest.
    /// </summary>
    public const string VisibilityErrors = "statefulspot.sqs.visibility.errors";

    /// <summary>Failed ReceiveMessage calls (or queue URL look-ups).</summary>
    public const string ReceiveErrors = "statefulspot.sqs.receive.errors";

    /// <summary>Messages whose delete failed; SQS redelivers them after their visibility timeout.</summary>
    public const string DeleteErrors = "statefulspot.sqs.delete.errors";
}
