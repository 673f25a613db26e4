using System.Text.Json;
using StatefulSpot.Emulator.Core;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>One SQS operation: reads the request, writes the JSON response body.</summary>
internal delegate ValueTask SqsAction(SqsCall call);

/// <summary>What an SQS operation gets: the request, the writer of its response and the URL clients reach us at.</summary>
/// <remarks><paramref name="Cancellation"/> fires when the client goes away or the emulator stops.</remarks>
internal sealed record SqsCall(SqsRequest Request, Utf8JsonWriter Json, string ServiceUrl, CancellationToken Cancellation);

/// <summary>Every SQS operation the emulator serves, by name (the part after <c>AmazonSQS.</c> in <c>X-Amz-Target</c>).</summary>
internal sealed class SqsActions(WorldGate gate, QueueOperations queues, MessageOperations messages, TimeProvider time)
{
    public IReadOnlyDictionary<string, SqsAction> All()
    {
        var actions = new Dictionary<string, SqsAction>(StringComparer.Ordinal);
        new SqsQueueActions(gate, queues).Register(actions);
        new SqsMessageActions(gate, queues, messages, time).Register(actions);
        return actions;
    }
}
