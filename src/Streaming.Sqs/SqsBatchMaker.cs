using Amazon.SQS.Model;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// Turns one SQS message into batches through the <see cref="ISqsMessageAdapter"/>: one batch per stream the message
/// names, in message order, each with the next receiver-local sequence number. An adapter that throws or returns no
/// decision discards the message. Not thread-safe: one receiver, one pulling agent.
/// </summary>
internal sealed class SqsBatchMaker(ISqsMessageAdapter messageAdapter)
{
    private long _nextSequenceNumber;

    /// <summary>The adapter's decision; never throws. <paramref name="onAdapterFailure"/> hears of an adapter that threw.</summary>
    public SqsMessageDecision Decode(Message message, Action<Exception> onAdapterFailure)
    {
        try
        {
            // Guard against an adapter that returns null despite the non-nullable signature.
            return messageAdapter.Decode(message) ?? SqsMessageDecision.Discard("the message adapter returned no decision");
        }
        catch (Exception ex)
        {
            onAdapterFailure(ex);
            return SqsMessageDecision.Discard($"the message adapter threw {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>One batch per stream named in <paramref name="events"/>, in order of first appearance; each keeps its events' order.</summary>
    public SqsBatchContainer[] MakeBatches(string messageId, IReadOnlyList<SqsStreamEvent> events)
    {
        var eventsByStream = new Dictionary<StreamId, List<object>>();
        var streamOrder = new List<StreamId>();
        foreach (var streamEvent in events)
        {
            if (!eventsByStream.TryGetValue(streamEvent.StreamId, out var streamEvents))
            {
                streamEvents = [];
                eventsByStream.Add(streamEvent.StreamId, streamEvents);
                streamOrder.Add(streamEvent.StreamId);
            }

            streamEvents.Add(streamEvent.Event);
        }

        var batches = new SqsBatchContainer[streamOrder.Count];
        for (var i = 0; i < streamOrder.Count; i++)
        {
            var streamId = streamOrder[i];
            batches[i] = new SqsBatchContainer(streamId, eventsByStream[streamId], new EventSequenceTokenV2(_nextSequenceNumber++), messageId);
        }

        return batches;
    }
}
