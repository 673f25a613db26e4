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
/// the agent reports every batch made from it as delivered; meanwhile its visibility is extended,
/// up to <see cref="SqsStreamOptions.MaxInFlightTime"/>. A discarded message is deleted at once or
/// left for the queue's RedrivePolicy (<see cref="SqsStreamOptions.DiscardPolicy"/>). At shutdown
/// the messages still in flight are made visible again, for the silo that takes the queue over.
/// </summary>
/// <remarks>
/// Orleans 10.4.2 reports a batch as delivered once its <c>SimpleQueueCache</c> purges it after
/// every consumer cursor moved past it. A batch whose delivery failed (a consumer kept throwing
/// for <c>StreamPullingAgentOptions.MaxEventDeliveryTime</c>) is purged without being reported,
/// so its message stays undeleted: it is extended until <see cref="SqsStreamOptions.MaxInFlightTime"/>,
/// then forgotten when its visibility timeout passes, and SQS delivers it again.
/// </remarks>
internal sealed partial class SqsQueueAdapterReceiver : IQueueAdapterReceiver
{
    /// <summary>The most entries SQS accepts in one DeleteMessageBatch call.</summary>
    private const int DeleteBatchLimit = 10;

    /// <summary>
    /// ChangeMessageVisibility calls made in parallel. The emulator (and so the provider) has no
    /// ChangeMessageVisibilityBatch; parallel single calls keep a shutdown with many messages short.
    /// </summary>
    private const int ConcurrentVisibilityChanges = 10;

    private static readonly TimeSpan FirstReceiveRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxReceiveRetryDelay = TimeSpan.FromSeconds(10);

    private readonly string _providerName;
    private readonly SqsStreamOptions _options;
    private readonly IAmazonSQS _sqs;
    private readonly ISqsMessageAdapter _messageAdapter;
    private readonly SqsStreamCounters _counters;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    // Extend when less than this is left of a message's visibility timeout.
    private readonly TimeSpan _extendWhenLeft;

    // Wait this long before retrying a failed extension.
    private readonly TimeSpan _extensionRetryDelay;
    private readonly bool _extends;

    // Batches handed to the pulling agent whose SQS message is not deleted yet. Keyed by the
    // batch object itself: the agent's cache hands the very same objects back when it purges them.
    private readonly Dictionary<SqsBatchContainer, InFlightMessage> _inFlight = new(ReferenceEqualityComparer.Instance);

    // The same messages, once each (a message fanned out to several streams has several batches).
    private readonly HashSet<InFlightMessage> _inFlightMessages = new(ReferenceEqualityComparer.Instance);
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
        _extends = options.MaxInFlightTime > options.VisibilityTimeout;
        _extendWhenLeft = options.VisibilityTimeout / 2;
        _extensionRetryDelay = options.VisibilityTimeout / 10;
    }

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        string queueUrl;
        try
        {
            queueUrl = await GetQueueUrlAsync(cts.Token);
            LogStarted(_providerName, queueUrl);
        }
        catch (Exception ex) when (IsSqsFailure(ex, cancellationToken))
        {
            // Not fatal: every poll tries again, so the agent starts once SQS can be reached.
            LogQueueUrlUnresolved(ex, _providerName, _options.QueueName);
            return;
        }

        if (_options.DiscardPolicy == SqsDiscardPolicy.LeaveForRedrive)
        {
            await WarnIfNoRedrivePolicyAsync(queueUrl, cts.Token);
        }
    }

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) =>
        GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        // The pulling agent polls every GetQueueMsgsTimerPeriod: that is the clock that keeps the
        // in-flight messages hidden, with no timer or background task of the receiver's own.
        var now = _timeProvider.GetUtcNow();
        ForgetExpiredMessages(now);
        await ExtendVisibilityAsync(now, cancellationToken);
        if (now < _nextReceiveAllowedAt)
        {
            return [];
        }

        var receivedAt = _timeProvider.GetUtcNow();
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
        var discarded = new List<InFlightMessage>();
        foreach (var message in messages)
        {
            switch (Decode(message))
            {
                case SqsMessageDecision.Delivered delivered:
                    batches.AddRange(Track(message, delivered.Events, receivedAt));
                    break;
                case SqsMessageDecision.Discarded discard:
                    LogDiscarded(_providerName, message.MessageId, discard.Reason, _options.DiscardPolicy);
                    _counters.MessageDiscarded();
                    discarded.Add(new InFlightMessage(message.MessageId, message.ReceiptHandle, receivedAt, receivedAt + _options.VisibilityTimeout, []));
                    break;
            }
        }

        if (discarded.Count > 0)
        {
            await RemoveDiscardedAsync(queueUrl, discarded, cancellationToken);
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
                    _inFlightMessages.Remove(message);
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

    /// <summary>
    /// Makes every message still in flight visible again at once, so that the silo that takes the
    /// queue over receives it without waiting for its visibility timeout. Never throws.
    /// </summary>
    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        ForgetExpiredMessages(_timeProvider.GetUtcNow());
        List<InFlightMessage> inFlight;
        lock (_inFlightLock)
        {
            inFlight = [.. _inFlightMessages];
            _inFlight.Clear();
            _inFlightMessages.Clear();
        }

        var released = 0;
        if (inFlight.Count > 0 && _queueUrl is { } queueUrl)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            var succeeded = await ChangeVisibilityAsync(queueUrl, inFlight.ConvertAll(m => (m, 0)), cts.Token);
            released = succeeded.Count(ok => ok);
            _counters.MessagesReleased(released);
        }

        LogStopped(_providerName, released, inFlight.Count - released);
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
    private SqsBatchContainer[] Track(Message message, IReadOnlyList<SqsStreamEvent> events, DateTimeOffset receivedAt)
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
        var inFlight = new InFlightMessage(message.MessageId, message.ReceiptHandle, receivedAt, receivedAt + _options.VisibilityTimeout, batches);
        lock (_inFlightLock)
        {
            for (var i = 0; i < streamOrder.Count; i++)
            {
                var streamId = streamOrder[i];
                var batch = new SqsBatchContainer(streamId, eventsByStream[streamId], new EventSequenceTokenV2(_nextSequenceNumber++), message.MessageId);
                _inFlight.Add(batch, inFlight);
                batches[i] = batch;
            }

            _inFlightMessages.Add(inFlight);
        }

        return batches;
    }

    /// <summary>
    /// Forgets messages whose visibility timeout has passed: SQS makes them visible again, so
    /// their receipt handles can no longer be trusted and the messages will be received anew.
    /// This is also where a message ends whose batch the agent dropped without reporting it.
    /// </summary>
    private void ForgetExpiredMessages(DateTimeOffset now)
    {
        List<InFlightMessage>? expired = null;
        lock (_inFlightLock)
        {
            foreach (var message in _inFlightMessages)
            {
                if (now >= message.VisibleUntil)
                {
                    (expired ??= []).Add(message);
                }
            }

            if (expired is null)
            {
                return;
            }

            foreach (var message in expired)
            {
                _inFlightMessages.Remove(message);
                foreach (var batch in message.Batches)
                {
                    _inFlight.Remove(batch);
                }
            }
        }

        foreach (var message in expired)
        {
            LogExpired(_providerName, message.MessageId, now - message.ReceivedAt);
        }

        _counters.MessagesExpired(expired.Count);
    }

    /// <summary>
    /// Extends the visibility of in-flight messages with less than half their visibility timeout
    /// left, by <see cref="SqsStreamOptions.VisibilityTimeout"/> but never beyond
    /// <see cref="SqsStreamOptions.MaxInFlightTime"/> after their receipt. Never throws.
    /// </summary>
    private async Task ExtendVisibilityAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_extends || _queueUrl is not { } queueUrl)
        {
            return;
        }

        List<(InFlightMessage Message, int Seconds)>? due = null;
        List<InFlightMessage>? overdue = null;
        lock (_inFlightLock)
        {
            foreach (var message in _inFlightMessages)
            {
                if (message.ExtensionStopped || message.VisibleUntil - now > _extendWhenLeft || now < message.RetryExtensionAt)
                {
                    continue;
                }

                var limit = message.ReceivedAt + _options.MaxInFlightTime;
                var until = now + _options.VisibilityTimeout < limit ? now + _options.VisibilityTimeout : limit;
                var seconds = (int)Math.Floor((until - now).TotalSeconds);
                if (now + TimeSpan.FromSeconds(seconds) <= message.VisibleUntil)
                {
                    message.ExtensionStopped = true;
                    (overdue ??= []).Add(message);
                }
                else
                {
                    (due ??= []).Add((message, seconds));
                }
            }
        }

        foreach (var message in overdue ?? [])
        {
            LogExtensionStopped(_providerName, message.MessageId, now - message.ReceivedAt, message.VisibleUntil - now);
        }

        if (due is null)
        {
            return;
        }

        var succeeded = await ChangeVisibilityAsync(queueUrl, due, cancellationToken);
        var extended = 0;
        lock (_inFlightLock)
        {
            for (var i = 0; i < due.Count; i++)
            {
                var (message, seconds) = due[i];
                if (succeeded[i])
                {
                    // Counted from before the call: SQS's own deadline is a little later, never earlier.
                    message.VisibleUntil = now + TimeSpan.FromSeconds(seconds);
                    extended++;
                }
                else
                {
                    message.RetryExtensionAt = now + _extensionRetryDelay;
                }
            }
        }

        _counters.VisibilityExtended(extended);
        if (extended > 0)
        {
            LogExtended(_providerName, extended, _options.VisibilityTimeout);
        }
    }

    /// <summary>Deletes discarded messages, or leaves them for the queue's RedrivePolicy. Never throws.</summary>
    private async Task RemoveDiscardedAsync(string queueUrl, List<InFlightMessage> discarded, CancellationToken cancellationToken)
    {
        switch (_options.DiscardPolicy)
        {
            case SqsDiscardPolicy.LeaveForRedrive:
                // Not deleted: visible again after RedriveDelay, received again, and moved to the
                // dead-letter queue by SQS once its receive count passes the queue's maxReceiveCount.
                var seconds = (int)_options.RedriveDelay.TotalSeconds;
                await ChangeVisibilityAsync(queueUrl, discarded.ConvertAll(m => (m, seconds)), cancellationToken);
                break;
            default:
                await DeleteAsync(queueUrl, discarded, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Sets each message's visibility timeout, a few calls at a time; returns which calls succeeded.
    /// Failures are logged (once per round) and counted; calls not made because
    /// <paramref name="cancellationToken"/> fired count as not succeeded. Never throws.
    /// </summary>
    private async Task<bool[]> ChangeVisibilityAsync(string queueUrl, List<(InFlightMessage Message, int Seconds)> changes, CancellationToken cancellationToken)
    {
        var succeeded = new bool[changes.Count];
        var failed = 0;
        Exception? firstFailure = null;
        for (var start = 0; start < changes.Count && !cancellationToken.IsCancellationRequested; start += ConcurrentVisibilityChanges)
        {
            var count = Math.Min(ConcurrentVisibilityChanges, changes.Count - start);
            var calls = new Task<Exception?>[count];
            for (var i = 0; i < count; i++)
            {
                var (message, seconds) = changes[start + i];
                calls[i] = TryChangeVisibilityAsync(queueUrl, message.ReceiptHandle, seconds, cancellationToken);
            }

            var errors = await Task.WhenAll(calls);
            for (var i = 0; i < count; i++)
            {
                if (errors[i] is null)
                {
                    succeeded[start + i] = true;
                }
                else if (errors[i] is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failed++;
                    firstFailure ??= errors[i];
                }
            }
        }

        if (failed > 0)
        {
            LogVisibilityChangeFailed(firstFailure!, _providerName, failed, changes.Count);
            _counters.VisibilityErrors(failed);
        }

        return succeeded;
    }

    private async Task<Exception?> TryChangeVisibilityAsync(string queueUrl, string receiptHandle, int seconds, CancellationToken cancellationToken)
    {
        try
        {
            await _sqs.ChangeMessageVisibilityAsync(
                new ChangeMessageVisibilityRequest { QueueUrl = queueUrl, ReceiptHandle = receiptHandle, VisibilityTimeout = seconds },
                cancellationToken);
            return null;
        }
        catch (Exception ex)
        {
            // Best effort by design: whatever went wrong, the message reappears after its current
            // visibility timeout at the latest, and the pulling agent must not see an exception.
            return ex;
        }
    }

    /// <summary>LeaveForRedrive without a RedrivePolicy brings discarded messages back until they age out: say so.</summary>
    private async Task WarnIfNoRedrivePolicyAsync(string queueUrl, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _sqs.GetQueueAttributesAsync(
                new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = [QueueAttributeName.RedrivePolicy] },
                cancellationToken);
            if (response.Attributes?.ContainsKey(QueueAttributeName.RedrivePolicy) != true)
            {
                LogNoRedrivePolicy(_providerName, queueUrl, _options.RedriveDelay);
            }
        }
        catch (Exception ex) when (IsSqsFailure(ex, cancellationToken) || ex is OperationCanceledException)
        {
            LogRedrivePolicyUnknown(ex, _providerName, queueUrl);
        }
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

    /// <summary>A received message whose batches are not all delivered yet. Mutable state is guarded by <c>_inFlightLock</c>.</summary>
    private sealed class InFlightMessage(
        string messageId,
        string receiptHandle,
        DateTimeOffset receivedAt,
        DateTimeOffset visibleUntil,
        IReadOnlyList<SqsBatchContainer> batches)
    {
        public string MessageId { get; } = messageId;

        public string ReceiptHandle { get; } = receiptHandle;

        /// <summary>When the ReceiveMessage call that returned it started.</summary>
        public DateTimeOffset ReceivedAt { get; } = receivedAt;

        /// <summary>When SQS makes it visible again, at the earliest.</summary>
        public DateTimeOffset VisibleUntil { get; set; } = visibleUntil;

        /// <summary>After a failed extension, no new attempt before this time.</summary>
        public DateTimeOffset RetryExtensionAt { get; set; } = DateTimeOffset.MinValue;

        /// <summary>It reached <see cref="SqsStreamOptions.MaxInFlightTime"/>: no more extensions.</summary>
        public bool ExtensionStopped { get; set; }

        /// <summary>The batches made from it, one per stream.</summary>
        public IReadOnlyList<SqsBatchContainer> Batches { get; } = batches;

        /// <summary>Batches not yet reported as delivered.</summary>
        public int PendingBatches { get; set; } = batches.Count;
    }
}
