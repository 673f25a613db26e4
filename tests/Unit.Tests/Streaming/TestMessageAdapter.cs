using Amazon.SQS.Model;
using Orleans.Runtime;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Unit.Tests.Streaming;

/// <summary>
/// A tiny message format for tests: the body is <c>stream=event;stream=event…</c> (namespace
/// "test"), <c>discard</c>, or <c>throw</c>.
/// </summary>
internal sealed class TestMessageAdapter : ISqsMessageAdapter
{
    public const string StreamNamespace = "test";

    public static StreamId Stream(string key) => StreamId.Create(StreamNamespace, key);

    public SqsMessageDecision Decode(Message message)
    {
        switch (message.Body)
        {
            case "discard":
                return SqsMessageDecision.Discard("not for us");
            case "throw":
                throw new FormatException("body is not JSON");
        }

        var events = new List<SqsStreamEvent>();
        foreach (var part in message.Body.Split(';'))
        {
            var (key, value) = part.Split('=') is [var k, var v] ? (k, v) : throw new FormatException($"bad part '{part}'");
            events.Add(new SqsStreamEvent(Stream(key), value));
        }

        return SqsMessageDecision.Deliver(events);
    }
}
