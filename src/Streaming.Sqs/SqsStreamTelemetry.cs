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

    /// <summary>Messages the adapter discarded (or failed to decode); they are deleted at once.</summary>
    public const string MessagesDiscarded = "statefulspot.sqs.messages.discarded";

    /// <summary>In-flight messages forgotten because their visibility timeout passed before delivery; SQS redelivers them.</summary>
    public const string MessagesExpired = "statefulspot.sqs.messages.expired";

    /// <summary>Failed ReceiveMessage calls (or queue URL look-ups).</summary>
    public const string ReceiveErrors = "statefulspot.sqs.receive.errors";

    /// <summary>Messages whose delete failed; SQS redelivers them after their visibility timeout.</summary>
    public const string DeleteErrors = "statefulspot.sqs.delete.errors";
}
