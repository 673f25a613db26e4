using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// Reads the provider's SQS queue for one pulling agent. A delivered message is deleted only when
/// the agent reports every batch made from it as delivered; a discarded message is deleted at once.
/// </summary>
internal sealed partial class SqsQueueAdapterReceiver : IQueueAdapterReceiver
{
    /// <summary>The most entries SQS accepts in one DeleteMessageBatch call.</summary>
    private const int DeleteBatchLimit = 10;

    private static readonly TimeSpan FirstReceiveRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxReceiveRetryDelay = TimeSpan.FromSeconds(10);

    private readonly string _providerName;
    private readonly SqsStreamOptions _options;
    private readonly IAmazonSQS _sqs;
    private readonly ISqsMessageAdapter _messageAdapter;
    private readonly SqsStreamCounters _counters;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    // Batches handed to the pulling agent whose SQS message is not deleted yet. Keyed by the
    // batch object itself: the agent's cache hands the very same objects back when it purges them.
    private readonly Dictionary<SqsBatchContainer, InFlightMessage> _inFlight = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _inFlightLock = new();

    private string? _queueUrl;
    private long _nextSequenceNumber;
    private int _consecutiveReceiveFailures;
    private DateTimeOffset _nextReceiveAllowedAt = DateTimeOffset.MinValue;

    public SqsQueueAdapterReceiver(
        string providerName,
        SqsStreamOptions options,
        IAmazonSQS sqs,
        ISqsMessageAdapter messageAdapter,
        SqsStreamCounters counters,
        TimeProvider timeProvider,
        ILogger<SqsQueueAdapterReceiver> logger)
    {
        _providerName = providerName;
        _options = options;
        _sqs = sqs;
        _messageAdapter = messageAdapter;
        _counters = counters;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            var queueUrl = await GetQueueUrlAsync(cts.Token);
            LogStarted(_providerName, queueUrl);
        }
        catch (Exception ex) when (IsSqsFailure(ex, cancellationToken))
        {
            // Not fatal: every poll tries again, so the agent starts once SQS can be reached.
            LogQueueUrlUnresolved(ex, _providerName, _options.QueueName);
        }
    }

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) =>
        GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var receivedAt = _timeProvider.GetUtcNow();
        ForgetExpiredMessages(receivedAt);
        if (receivedAt < _nextReceiveAllowedAt)
        {
            return [];
        }

        string queueUrl;
        List<Message> messages;
        try
        {
            queueUrl = await GetQueueUrlAsync(cancellationToken);
            var response = await _sqs.ReceiveMessageAsync(
                new ReceiveMessageRequest
                {
                    QueueUrl = queueUrl,
                    MaxNumberOfMessages = maxCount > 0 ? Math.Min(maxCount, _options.MaxMessagesPerReceive) : _options.MaxMessagesPerReceive,
                    WaitTimeSeconds = (int)_options.ReceiveWaitTime.TotalSeconds,
                    VisibilityTimeout = (int)_options.VisibilityTimeout.TotalSeconds,
                    MessageSystemAttributeNames = [MessageSystemAttributeName.All],
                    MessageAttributeNames = ["All"],
                },
                cancellationToken);
            messages = response.Messages ?? [];
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return [];
        }
        catch (Exception ex) when (IsSqsFailure(ex, cancellationToken))
        {
            OnReceiveFailed(ex);
            return [];
        }

        OnReceiveSucceeded();
        if (messages.Count == 0)
        {
            return [];
        }

        _counters.MessagesReceived(messages.Count);
        var batches = new List<IBatchContainer>();
        var discarded = new List<Message>();
        foreach (var message in messages)
        {
            switch (Decode(message))
            {
                case SqsMessageDecision.Delivered delivered:
                    batches.AddRange(Track(message, delivered.Events, receivedAt));
                    break;
                case SqsMessageDecision.Discarded discard:
                    LogDiscarded(_providerName, message.MessageId, discard.Reason);
                    _counters.MessageDiscarded();
                    discarded.Add(message);
                    break;
            }
        }

        if (discarded.Count > 0)
        {
            await DeleteAsync(queueUrl, discarded.ConvertAll(m => new InFlightMessage(m.MessageId, m.ReceiptHandle, receivedAt)), cancellationToken);
        }

        return batches;
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) =>
        MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        var completed = new List<InFlightMessage>();
        lock (_inFlightLock)
        {
            foreach (var batch in messages)
            {
                if (batch is SqsBatchContainer sqsBatch
                    && _inFlight.Remove(sqsBatch, out var message)
                    && --message.PendingBatches == 0)
                {
                    completed.Add(message);
                }
            }
        }

        // _queueUrl is set: a message cannot be in flight before the queue was read.
        if (completed.Count > 0 && _queueUrl is { } queueUrl)
        {
            var deleted = await DeleteAsync(queueUrl, completed, cancellationToken);
            _counters.MessagesDelivered(deleted);
        }
    }

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    public Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        int abandoned;
        lock (_inFlightLock)
        {
            abandoned = _inFlight.Values.Distinct().Count();
            _inFlight.Clear();
        }

        LogStopped(_providerName, abandoned);
        return Task.CompletedTask;
    }

    private SqsMessageDecision Decode(Message message)
    {
        try
        {
            // Guard against an adapter that returns null despite the non-nullable signature.
            return _messageAdapter.Decode(message) ?? SqsMessageDecision.Discard("the message adapter returned no decision");
        }
        catch (Exception ex)
        {
            LogDecodeFailed(ex, _providerName, message.MessageId);
            return SqsMessageDecision.Discard($"the message adapter threw {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Makes one batch per stream named in the message and remembers them until delivered.</summary>
    private List<SqsBatchContainer> Track(Message message, IReadOnlyList<SqsStreamEvent> events, DateTimeOffset receivedAt)
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

        var inFlight = new InFlightMessage(message.MessageId, message.ReceiptHandle, receivedAt) { PendingBatches = streamOrder.Count };
        var batches = new List<SqsBatchContainer>(streamOrder.Count);
        lock (_inFlightLock)
        {
            foreach (var streamId in streamOrder)
            {
                var batch = new SqsBatchContainer(streamId, eventsByStream[streamId], new EventSequenceTokenV2(_nextSequenceNumber++), message.MessageId);
                _inFlight.Add(batch, inFlight);
                batches.Add(batch);
            }
        }

        return batches;
    }

    /// <summary>
    /// Forgets messages whose visibility timeout has passed: SQS makes them visible again, so
    /// their receipt handles can no longer be trusted and the messages will be received anew.
    /// </summary>
    private void ForgetExpiredMessages(DateTimeOffset now)
    {
        List<InFlightMessage>? expired = null;
        lock (_inFlightLock)
        {
            List<SqsBatchContainer>? expiredBatches = null;
            foreach (var (batch, message) in _inFlight)
            {
                if (now - message.ReceivedAt >= _options.VisibilityTimeout)
                {
                    (expiredBatches ??= []).Add(batch);
                }
            }

            if (expiredBatches is null)
            {
                return;
            }

            expired = [];
            foreach (var batch in expiredBatches)
            {
                _inFlight.Remove(batch, out var message);
                if (!expired.Contains(message!))
                {
                    expired.Add(message!);
                }
            }
        }

        foreach (var message in expired)
        {
            LogExpired(_providerName, message.MessageId, _options.VisibilityTimeout);
        }

        _counters.MessagesExpired(expired.Count);
    }

    /// <summary>Deletes the messages in chunks of 10; returns how many were deleted. Never throws.</summary>
    private async Task<int> DeleteAsync(string queueUrl, List<InFlightMessage> messages, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var chunk in messages.Chunk(DeleteBatchLimit))
        {
            var entries = new List<DeleteMessageBatchRequestEntry>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                entries.Add(new DeleteMessageBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), chunk[i].ReceiptHandle));
            }

            try
            {
                var response = await _sqs.DeleteMessageBatchAsync(
                    new DeleteMessageBatchRequest { QueueUrl = queueUrl, Entries = entries },
                    cancellationToken);
                var failed = response.Failed ?? [];
                foreach (var failure in failed)
                {
                    var messageId = int.TryParse(failure.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < chunk.Length
                        ? chunk[index].MessageId
                        : failure.Id;
                    LogDeleteRejected(_providerName, messageId, failure.Code, failure.Message);
                }

                _counters.DeleteErrors(failed.Count);
                deleted += chunk.Length - failed.Count;
            }
            catch (Exception ex) when (IsSqsFailure(ex, cancellationToken) || cancellationToken.IsCancellationRequested)
            {
                LogDeleteFailed(ex, _providerName, chunk.Length);
                _counters.DeleteErrors(chunk.Length);
            }
        }

        return deleted;
    }

    private async ValueTask<string> GetQueueUrlAsync(CancellationToken cancellationToken)
    {
        if (_queueUrl is { } known)
        {
            return known;
        }

        if (!string.IsNullOrWhiteSpace(_options.QueueUrl))
        {
            return _queueUrl = _options.QueueUrl;
        }

        var queueName = _options.QueueName!;
        try
        {
            var response = await _sqs.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = queueName }, cancellationToken);
            return _queueUrl = response.QueueUrl;
        }
        catch (QueueDoesNotExistException) when (_options.CreateQueueIfMissing)
        {
            var request = new CreateQueueRequest { QueueName = queueName };
            if (queueName.EndsWith(".fifo", StringComparison.Ordinal))
            {
                request.Attributes = new() { [QueueAttributeName.FifoQueue] = "true" };
            }

            var response = await _sqs.CreateQueueAsync(request, cancellationToken);
            LogQueueCreated(_providerName, queueName, response.QueueUrl);
            return _queueUrl = response.QueueUrl;
        }
    }

    private void OnReceiveFailed(Exception ex)
    {
        _counters.ReceiveError();
        _consecutiveReceiveFailures++;
        var delay = TimeSpan.FromTicks(Math.Min(
            FirstReceiveRetryDelay.Ticks << Math.Min(_consecutiveReceiveFailures - 1, 16),
            MaxReceiveRetryDelay.Ticks));
        _nextReceiveAllowedAt = _timeProvider.GetUtcNow() + delay;
        LogReceiveFailed(ex, _providerName, _consecutiveReceiveFailures, delay);
    }

    private void OnReceiveSucceeded()
    {
        if (_consecutiveReceiveFailures > 0)
        {
            LogReceiveRecovered(_providerName, _consecutiveReceiveFailures);
            _consecutiveReceiveFailures = 0;
        }
    }

    /// <summary>True for failures of the SQS call itself: AWS errors, transport errors and client timeouts.</summary>
    private static bool IsSqsFailure(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        AmazonServiceException or AmazonClientException or HttpRequestException or IOException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>A received message whose batches are not all delivered yet.</summary>
    private sealed class InFlightMessage(string messageId, string receiptHandle, DateTimeOffset receivedAt)
    {
        public string MessageId { get; } = messageId;

        public string ReceiptHandle { get; } = receiptHandle;

        public DateTimeOffset ReceivedAt { get; } = receivedAt;

        public int PendingBatches { get; set; }
    }
}
