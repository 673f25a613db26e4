using Orleans.Runtime;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>One event to deliver on one Orleans stream.</summary>
/// <param name="StreamId">The stream that receives the event.</param>
/// <param name="Event">The event; it must be serializable by Orleans.</param>
public sealed record SqsStreamEvent(StreamId StreamId, object Event);
