using Amazon.SQS;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// The read-only queue adapter: AWS (for example EventBridge) writes to the queue, Orleans only reads it.
/// </summary>
internal sealed class SqsQueueAdapter : IQueueAdapter
{
    private readonly SqsStreamOptions _options;
    private readonly IAmazonSQS _sqs;
    private readonly ISqsMessageAdapter _messageAdapter;
    private readonly SqsStreamCounters _counters;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;

    public SqsQueueAdapter(
        string name,
        SqsStreamOptions options,
        IAmazonSQS sqs,
        ISqsMessageAdapter messageAdapter,
        SqsStreamCounters counters,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        Name = name;
        _options = options;
        _sqs = sqs;
        _messageAdapter = messageAdapter;
        _counters = counters;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
    }

    public string Name { get; }

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadOnly;

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext) =>
        throw new InvalidOperationException(
            $"SQS stream provider '{Name}' only reads: its queue is filled by AWS, so events cannot be produced on stream {streamId} through it. " +
            "Send to the SQS queue directly, or use another stream provider to publish.");

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        new SqsQueueAdapterReceiver(
            Name,
            _options,
            _sqs,
            _messageAdapter,
            _counters,
            _timeProvider,
            _loggerFactory.CreateLogger<SqsQueueAdapterReceiver>());
}
