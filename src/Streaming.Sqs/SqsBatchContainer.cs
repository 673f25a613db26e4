using Orleans;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// The events one SQS message carries for one stream. It crosses silos, so it holds no SQS
/// receipt handle: the receiver tracks that on the side until the batch is delivered.
/// </summary>
[GenerateSerializer, Alias("statefulspot.sqs-batch")]
public sealed class SqsBatchContainer : IBatchContainer
{
    /// <summary>Creates a batch.</summary>
    public SqsBatchContainer(StreamId streamId, List<object> events, EventSequenceTokenV2 sequenceToken, string? sqsMessageId)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(sequenceToken);
        StreamId = streamId;
        Events = events;
        Token = sequenceToken;
        SqsMessageId = sqsMessageId;
    }

    /// <inheritdoc />
    [Id(0)]
    public StreamId StreamId { get; }

    /// <summary>The events for <see cref="StreamId"/>, in message order.</summary>
    [Id(1)]
    public List<object> Events { get; }

    /// <summary>The receiver-local position of this batch.</summary>
    [Id(2)]
    public EventSequenceTokenV2 Token { get; }

    /// <summary>The id of the SQS message the events came from, for tracing and de-duplication.</summary>
    [Id(3)]
    public string? SqsMessageId { get; }

    /// <inheritdoc />
    public StreamSequenceToken SequenceToken => Token;

    /// <inheritdoc />
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        for (var i = 0; i < Events.Count; i++)
        {
            if (Events[i] is T item)
            {
                yield return Tuple.Create(item, (StreamSequenceToken)Token.CreateSequenceTokenForEvent(i));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Messages produced outside Orleans carry no request context.</remarks>
    public bool ImportRequestContext() => false;

    /// <inheritdoc />
    public override string ToString() =>
        $"{nameof(SqsBatchContainer)}[{StreamId}, {Events.Count} event(s), {Token}, SQS message {SqsMessageId}]";
}
