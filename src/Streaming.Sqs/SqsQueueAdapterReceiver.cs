using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
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
/// <para>
/// The receiver only sequences the work: <see cref="SqsInFlightLedger"/> decides what is in flight and what is due,
/// <see cref="SqsQueueClient"/> makes the SQS calls, <see cref="SqsBatchMaker"/> turns messages into batches and
/// <see cref="SqsReceiveBackoff"/> spaces out receives after failures.
/// </para>
/// <para>
/// Orleans 10.4.2 reports a batch as delivered once its <c>SimpleQueueCache</c> purges it after
/// every consumer cursor moved past it. A batch whose delivery failed (a consumer kept throwing
/// for <c>StreamPullingAgentOptions.MaxEventDeliveryTime</c>) is purged without being reported,
/// so its message stays undeleted: it is extended until <see cref="SqsStreamOptions.MaxInFlightTime"/>,
/// then forgotten when its visibility timeout passes, and SQS delivers it again.
/// </para>
/// </remarks>
internal sealed partial class SqsQueueAdapterReceiver : IQueueAdapterReceiver
{
    private readonly string _providerName;
    private readonly SqsStreamOptions _options;
    private readonly SqsQueueClient _queue;
    private readonly SqsInFlightLedger _inFlight;
    private readonly SqsBatchMaker _batches;
    private readonly SqsStreamCounters _counters;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SqsReceiveBackoff _receiveBackoff = new();

    /// <summary>Receives one poll makes in a row while everything it receives is to be discarded.</summary>
    private const int MaxDiscardOnlyRounds = 10;

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
        _counters = counters;
        _timeProvider = timeProvider;
        _logger = logger;
        _queue = new SqsQueueClient(providerName, options, sqs, counters, logger);
        _inFlight = new SqsInFlightLedger(options.VisibilityTimeout, options.MaxInFlightTime);
        _batches = new SqsBatchMaker(messageAdapter);
    }

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        string queueUrl;
        try
        {
            queueUrl = await _queue.GetQueueUrlAsync(cts.Token);
            LogStarted(_providerName, queueUrl);
        }
        catch (Exception ex) when (SqsQueueClient.IsSqsFailure(ex, cancellationToken))
        {
            // Not fatal: every poll tries again, so the agent starts once SQS can be reached.
            LogQueueUrlUnresolved(ex, _providerName, _options.QueueName);
            return;
        }

        if (_options.DiscardPolicy == SqsDiscardPolicy.LeaveForRedrive)
        {
            await _queue.WarnIfNoRedrivePolicyAsync(queueUrl, cts.Token);
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
        if (!_receiveBackoff.Allows(now))
        {
            return [];
        }

        // A poll that found only messages to discard reads on at once, rather than at the agent's next tick: a flood of
        // noise ahead of a warning is got through in as few ticks as the messages allow. Bounded per poll.
        for (var round = 1; ; round++)
        {
            var (batches, received) = await ReceiveAndDecodeAsync(maxCount, cancellationToken);
            if (batches.Count > 0 || received < _options.MaxMessagesPerReceive || round == MaxDiscardOnlyRounds || cancellationToken.IsCancellationRequested)
            {
                return batches;
            }
        }
    }

    /// <summary>One receive (with its parallel extra receives): the batches of what was delivered, and how many messages came.</summary>
    private async Task<(IList<IBatchContainer> Batches, int Received)> ReceiveAndDecodeAsync(int maxCount, CancellationToken cancellationToken)
    {
        var receivedAt = _timeProvider.GetUtcNow();
        string queueUrl;
        List<Message> messages;
        try
        {
            queueUrl = await _queue.GetQueueUrlAsync(cancellationToken);
            messages = await _queue.ReceiveAsync(queueUrl, maxCount, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ([], 0);
        }
        catch (Exception ex) when (SqsQueueClient.IsSqsFailure(ex, cancellationToken))
        {
            _counters.ReceiveError();
            var delay = _receiveBackoff.Failed(_timeProvider.GetUtcNow());
            LogReceiveFailed(ex, _providerName, _receiveBackoff.ConsecutiveFailures, delay);
            return ([], 0);
        }

        if (_receiveBackoff.Succeeded() is > 0 and var failures)
        {
            LogReceiveRecovered(_providerName, failures);
        }

        if (messages.Count == 0)
        {
            return ([], 0);
        }

        _counters.MessagesReceived(messages.Count);
        var batches = new List<IBatchContainer>();
        var discarded = new List<(SqsReceipt Receipt, Message Message)>();
        string? firstReason = null;
        foreach (var message in messages)
        {
            var receipt = new SqsReceipt(message.MessageId, message.ReceiptHandle);
            switch (_batches.Decode(message, ex => LogDecodeFailed(ex, _providerName, message.MessageId)))
            {
                case SqsMessageDecision.Delivered delivered:
                    var made = _batches.MakeBatches(message.MessageId, delivered.Events);
                    _inFlight.Track(receipt, receivedAt, made);
                    batches.AddRange(made);
                    break;
                case SqsMessageDecision.Discarded discard:
                    // One line per poll at Warning, one per message at Debug: a flood of noise must not cost a log write each.
                    LogDiscarded(_providerName, message.MessageId, discard.Reason, _options.DiscardPolicy);
                    firstReason ??= discard.Reason;
                    _counters.MessageDiscarded();
                    discarded.Add((receipt, message));
                    break;
            }
        }

        if (discarded.Count > 0)
        {
            LogDiscardedPoll(_providerName, discarded.Count, messages.Count, firstReason!, _options.DiscardPolicy);
            await RemoveDiscardedAsync(queueUrl, discarded, cancellationToken);
        }

        return (batches, messages.Count);
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) =>
        MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        var completed = _inFlight.Delivered(messages);

        // The queue URL is known: a message cannot be in flight before the queue was read.
        if (completed.Count > 0 && _queue.QueueUrl is { } queueUrl)
        {
            var deleted = await _queue.DeleteAsync(queueUrl, completed, cancellationToken);
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
        var inFlight = _inFlight.TakeAll();
        var released = 0;
        if (inFlight.Count > 0 && _queue.QueueUrl is { } queueUrl)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            var succeeded = await _queue.ChangeVisibilityAsync(queueUrl, [.. inFlight.Select(m => (m, 0))], cts.Token);
            released = succeeded.Count(ok => ok);
            _counters.MessagesReleased(released);
        }

        LogStopped(_providerName, released, inFlight.Count - released);
    }

    /// <summary>
    /// Forgets messages whose visibility timeout has passed: SQS makes them visible again, so
    /// their receipt handles can no longer be trusted and the messages will be received anew.
    /// This is also where a message ends whose batch the agent dropped without reporting it.
    /// </summary>
    private void ForgetExpiredMessages(DateTimeOffset now)
    {
        var expired = _inFlight.ForgetExpired(now);
        if (expired.Count == 0)
        {
            return;
        }

        foreach (var message in expired)
        {
            LogExpired(_providerName, message.Receipt.MessageId, message.InFlightFor);
        }

        _counters.MessagesExpired(expired.Count);
    }

    /// <summary>Makes the extensions the ledger says are due. Never throws.</summary>
    private async Task ExtendVisibilityAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_inFlight.Extends || _queue.QueueUrl is not { } queueUrl)
        {
            return;
        }

        var plan = _inFlight.PlanExtensions(now);
        foreach (var stopped in plan.Stopped)
        {
            LogExtensionStopped(_providerName, stopped.Receipt.MessageId, stopped.InFlightFor, stopped.VisibleFor);
        }

        if (plan.Due.Count == 0)
        {
            return;
        }

        var succeeded = await _queue.ChangeVisibilityAsync(queueUrl, [.. plan.Due.Select(e => (e.Message.Receipt, e.Seconds))], cancellationToken);
        var extended = _inFlight.RecordExtensions(now, plan.Due, succeeded);
        _counters.VisibilityExtended(extended);
        if (extended > 0)
        {
            LogExtended(_providerName, extended, _options.VisibilityTimeout);
        }
    }

    /// <summary>Deletes discarded messages, or leaves them for the queue's RedrivePolicy. Never throws.</summary>
    /// <summary>
    /// Deletes the discarded messages, or (<see cref="SqsDiscardPolicy.LeaveForRedrive"/>) moves them to the queue's
    /// dead-letter queue at once, a batch of ten per call: left for redrive instead, each would be received again until
    /// its receive count reached the policy's maxReceiveCount, and a flood of noise would hold real events back that
    /// long. Without a RedrivePolicy (or when the move fails) they are left for redrive as before.
    /// </summary>
    private async Task RemoveDiscardedAsync(string queueUrl, List<(SqsReceipt Receipt, Message Message)> discarded, CancellationToken cancellationToken)
    {
        if (_options.DiscardPolicy != SqsDiscardPolicy.LeaveForRedrive)
        {
            await _queue.DeleteAsync(queueUrl, discarded.ConvertAll(d => d.Receipt), cancellationToken);
            return;
        }

        var left = discarded.ConvertAll(d => d.Receipt);
        if (await _queue.DeadLetterQueueUrlAsync(queueUrl, cancellationToken) is { } deadLetterUrl)
        {
            var moved = await _queue.MoveAsync(queueUrl, deadLetterUrl, discarded, cancellationToken);
            _counters.MessagesDeadLettered(moved.Count);
            left = [.. left.Where(r => !moved.Contains(r.MessageId))];
        }

        if (left.Count > 0)
        {
            // Not moved: visible again after RedriveDelay, received again, and moved to the dead-letter queue by SQS
            // once its receive count passes the queue's maxReceiveCount.
            var seconds = (int)_options.RedriveDelay.TotalSeconds;
            await _queue.ChangeVisibilityAsync(queueUrl, left.ConvertAll(m => (m, seconds)), cancellationToken);
        }
    }
}
