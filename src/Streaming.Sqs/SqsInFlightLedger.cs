using Orleans.Streams;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>One received SQS message: its id, for logs, and the receipt handle every later call needs.</summary>
internal readonly record struct SqsReceipt(string MessageId, string ReceiptHandle);

/// <summary>Change <see cref="Message"/>'s visibility timeout to <see cref="Seconds"/> from now.</summary>
internal sealed record SqsVisibilityExtension(SqsInFlightLedger.Entry Message, int Seconds);

/// <summary>A message whose visibility timeout passed before it was delivered, after <see cref="InFlightFor"/>.</summary>
internal sealed record SqsExpiredMessage(SqsReceipt Receipt, TimeSpan InFlightFor);

/// <summary>A message that reached <see cref="SqsStreamOptions.MaxInFlightTime"/>: SQS offers it again in <see cref="VisibleFor"/>.</summary>
internal sealed record SqsExtensionStopped(SqsReceipt Receipt, TimeSpan InFlightFor, TimeSpan VisibleFor);

/// <summary>The extensions due now, and the messages whose extension stops now.</summary>
internal sealed record SqsExtensionPlan(IReadOnlyList<SqsVisibilityExtension> Due, IReadOnlyList<SqsExtensionStopped> Stopped);

/// <summary>
/// Which received messages are in flight (handed to the pulling agent, not yet deleted), from which batches, and when
/// each one's visibility must be extended, stops being extended or has passed. Pure bookkeeping: it makes no SQS call
/// and reads no clock; every decision takes the time it is made at. Thread-safe.
/// </summary>
/// <remarks>
/// A message is extended once half of <see cref="SqsStreamOptions.VisibilityTimeout"/> or less is left, by the
/// visibility timeout but never beyond <see cref="SqsStreamOptions.MaxInFlightTime"/> after it was received; a failed
/// extension is retried after a tenth of the visibility timeout. A message whose visibility timeout has passed is
/// forgotten: SQS offers it again and its receipt handle can no longer be trusted.
/// </remarks>
internal sealed class SqsInFlightLedger
{
    private readonly TimeSpan _visibilityTimeout;
    private readonly TimeSpan _maxInFlightTime;

    // Extend when less than this is left of a message's visibility timeout.
    private readonly TimeSpan _extendWhenLeft;

    // Wait this long before retrying a failed extension.
    private readonly TimeSpan _extensionRetryDelay;

    // Keyed by the batch object itself: the agent's cache hands the very same objects back when it purges them.
    private readonly Dictionary<SqsBatchContainer, Entry> _byBatch = new(ReferenceEqualityComparer.Instance);

    // The same messages, once each (a message fanned out to several streams has several batches).
    private readonly HashSet<Entry> _messages = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _lock = new();

    public SqsInFlightLedger(TimeSpan visibilityTimeout, TimeSpan maxInFlightTime)
    {
        _visibilityTimeout = visibilityTimeout;
        _maxInFlightTime = maxInFlightTime;
        _extendWhenLeft = visibilityTimeout / 2;
        _extensionRetryDelay = visibilityTimeout / 10;
        Extends = maxInFlightTime > visibilityTimeout;
    }

    /// <summary>False when <see cref="SqsStreamOptions.MaxInFlightTime"/> is not above the visibility timeout: nothing is ever extended.</summary>
    public bool Extends { get; }

    /// <summary>Messages in flight.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _messages.Count;
            }
        }
    }

    /// <summary>Remembers a message received at <paramref name="receivedAt"/> (hidden for the visibility timeout from then) and the batches made from it.</summary>
    public void Track(SqsReceipt receipt, DateTimeOffset receivedAt, IReadOnlyList<SqsBatchContainer> batches)
    {
        var entry = new Entry(receipt, receivedAt, receivedAt + _visibilityTimeout, batches);
        lock (_lock)
        {
            foreach (var batch in batches)
            {
                _byBatch.Add(batch, entry);
            }

            _messages.Add(entry);
        }
    }

    /// <summary>
    /// Marks <paramref name="batches"/> delivered and returns the messages that are now fully delivered (every batch
    /// made from them), which may be deleted. Batches it does not know (forgotten, or not ours) are ignored.
    /// </summary>
    public IReadOnlyList<SqsReceipt> Delivered(IEnumerable<IBatchContainer> batches)
    {
        var completed = new List<SqsReceipt>();
        lock (_lock)
        {
            foreach (var batch in batches)
            {
                if (batch is SqsBatchContainer sqsBatch && _byBatch.Remove(sqsBatch, out var entry) && --entry.PendingBatches == 0)
                {
                    _messages.Remove(entry);
                    completed.Add(entry.Receipt);
                }
            }
        }

        return completed;
    }

    /// <summary>Forgets, and returns, the messages whose visibility timeout has passed at <paramref name="now"/>.</summary>
    public IReadOnlyList<SqsExpiredMessage> ForgetExpired(DateTimeOffset now)
    {
        var expired = new List<SqsExpiredMessage>();
        lock (_lock)
        {
            foreach (var entry in _messages.Where(m => now >= m.VisibleUntil).ToList())
            {
                _messages.Remove(entry);
                foreach (var batch in entry.Batches)
                {
                    _byBatch.Remove(batch);
                }

                expired.Add(new SqsExpiredMessage(entry.Receipt, now - entry.ReceivedAt));
            }
        }

        return expired;
    }

    /// <summary>
    /// The extensions due at <paramref name="now"/>, and the messages whose extension stops now because the next one
    /// would not reach past their current deadline (<see cref="SqsStreamOptions.MaxInFlightTime"/>); those are never
    /// planned again. Report the outcome of the due ones with <see cref="RecordExtensions"/>.
    /// </summary>
    public SqsExtensionPlan PlanExtensions(DateTimeOffset now)
    {
        if (!Extends)
        {
            return new SqsExtensionPlan([], []);
        }

        var due = new List<SqsVisibilityExtension>();
        var stopped = new List<SqsExtensionStopped>();
        lock (_lock)
        {
            foreach (var entry in _messages)
            {
                if (entry.ExtensionStopped || entry.VisibleUntil - now > _extendWhenLeft || now < entry.RetryExtensionAt)
                {
                    continue;
                }

                var limit = entry.ReceivedAt + _maxInFlightTime;
                var until = now + _visibilityTimeout < limit ? now + _visibilityTimeout : limit;
                var seconds = (int)Math.Floor((until - now).TotalSeconds);
                if (now + TimeSpan.FromSeconds(seconds) <= entry.VisibleUntil)
                {
                    entry.ExtensionStopped = true;
                    stopped.Add(new SqsExtensionStopped(entry.Receipt, now - entry.ReceivedAt, entry.VisibleUntil - now));
                }
                else
                {
                    due.Add(new SqsVisibilityExtension(entry, seconds));
                }
            }
        }

        return new SqsExtensionPlan(due, stopped);
    }

    /// <summary>
    /// Records the outcome of extensions planned at <paramref name="plannedAt"/>: a succeeded one moves the message's
    /// deadline (counted from <paramref name="plannedAt"/>, so never later than SQS's own), a failed one waits before it
    /// is planned again. Returns how many succeeded.
    /// </summary>
    public int RecordExtensions(DateTimeOffset plannedAt, IReadOnlyList<SqsVisibilityExtension> due, IReadOnlyList<bool> succeeded)
    {
        var extended = 0;
        lock (_lock)
        {
            for (var i = 0; i < due.Count; i++)
            {
                if (succeeded[i])
                {
                    due[i].Message.VisibleUntil = plannedAt + TimeSpan.FromSeconds(due[i].Seconds);
                    extended++;
                }
                else
                {
                    due[i].Message.RetryExtensionAt = plannedAt + _extensionRetryDelay;
                }
            }
        }

        return extended;
    }

    /// <summary>Forgets every message in flight and returns them (at shutdown, to hand them back to SQS).</summary>
    public IReadOnlyList<SqsReceipt> TakeAll()
    {
        lock (_lock)
        {
            var all = _messages.Select(m => m.Receipt).ToList();
            _byBatch.Clear();
            _messages.Clear();
            return all;
        }
    }

    /// <summary>A message in flight. Mutable state is guarded by the ledger's lock.</summary>
    internal sealed class Entry(SqsReceipt receipt, DateTimeOffset receivedAt, DateTimeOffset visibleUntil, IReadOnlyList<SqsBatchContainer> batches)
    {
        public SqsReceipt Receipt { get; } = receipt;

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
