using System.Text;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>A message as handed out by one receive (copied out of the world so it can be written after the lock is released).</summary>
internal sealed record ReceivedMessage(
    string MessageId,
    string ReceiptHandle,
    string Body,
    string Md5OfBody,
    string SenderId,
    DateTimeOffset SentTimestamp,
    int ReceiveCount,
    DateTimeOffset FirstReceiveTimestamp,
    IReadOnlyDictionary<string, SqsMessageAttribute> MessageAttributes);

/// <summary>The outcome of one non-blocking receive attempt, with what a long poll needs to wait for more.</summary>
internal sealed record ReceiveAttempt(IReadOnlyList<ReceivedMessage> Messages, Task Signal, DateTimeOffset? NextVisibleAt, bool Changed);

/// <summary>Message-level SQS rules: send, receive with visibility timeout, delete, change visibility, redrive.</summary>
internal sealed class MessageOperations(TimeProvider time)
{
    public const string DefaultSenderId = "AIDAEMULATOREXAMPLE01";

    /// <summary>Whether the message outlived the queue's retention period (it is dropped at the next receive).</summary>
    public static bool IsExpired(SqsQueue queue, SqsMessage message, DateTimeOffset now) =>
        message.SentTimestamp.AddSeconds(queue.MessageRetentionPeriod) <= now;

    public SqsMessage Send(
        SqsQueue queue, string? body, IReadOnlyDictionary<string, SqsMessageAttribute> attributes, int? delaySeconds,
        string senderId = DefaultSenderId)
    {
        if (string.IsNullOrEmpty(body))
        {
            throw SqsErrors.MissingParameter("MessageBody");
        }

        var size = Encoding.UTF8.GetByteCount(body) + attributes.Sum(a =>
            Encoding.UTF8.GetByteCount(a.Key) + Encoding.UTF8.GetByteCount(a.Value.DataType)
            + (a.Value.StringValue is { } s ? Encoding.UTF8.GetByteCount(s) : 0)
            + (a.Value.BinaryValue is { } b ? b.Length * 3 / 4 : 0));
        if (size > queue.MaximumMessageSize)
        {
            throw SqsErrors.InvalidParameterValue(
                $"One or more parameters are invalid. Reason: Message must be shorter than {queue.MaximumMessageSize} bytes.");
        }

        var delay = delaySeconds ?? queue.DelaySeconds;
        if (delay is < 0 or > 900)
        {
            throw SqsErrors.InvalidParameterValue(
                $"Value {delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.");
        }

        foreach (var (name, attribute) in attributes)
        {
            if (string.IsNullOrEmpty(attribute.DataType) || (attribute.StringValue is null && attribute.BinaryValue is null))
            {
                throw SqsErrors.InvalidParameterValue($"The message attribute '{name}' must contain a non-empty message attribute value.");
            }
        }

        var now = time.GetUtcNow();
        var message = new SqsMessage
        {
            MessageId = Guid.NewGuid().ToString(),
            Body = body,
            Md5OfBody = SqsHashes.Body(body),
            MessageAttributes = new Dictionary<string, SqsMessageAttribute>(attributes, StringComparer.Ordinal),
            SenderId = senderId,
            SentTimestamp = now,
            VisibleAt = now.AddSeconds(delay),
        };
        queue.Messages.Add(message);
        queue.Signal.Pulse();
        return message;
    }

    /// <summary>Receives up to <paramref name="maxMessages"/> visible messages without waiting.</summary>
    public ReceiveAttempt TryReceive(SqsState state, SqsQueue queue, int maxMessages, int? visibilityTimeout)
    {
        var now = time.GetUtcNow();
        var changed = queue.Messages.RemoveAll(m => IsExpired(queue, m, now)) > 0;
        var redrive = QueueOperations.RedrivePolicy(queue);
        var deadLetterQueue = redrive is { } r && state.Queues.TryGetValue(r.DeadLetterQueueName, out var dlq) && dlq != queue ? dlq : null;

        var received = new List<ReceivedMessage>();
        foreach (var message in queue.Messages.Where(m => m.VisibleAt <= now).ToList())
        {
            if (received.Count == maxMessages)
            {
                break;
            }

            if (deadLetterQueue is not null && message.ReceiveCount >= redrive!.Value.MaxReceiveCount)
            {
                queue.Messages.Remove(message);
                message.VisibleAt = now;
                message.ReceiptHandle = null;
                deadLetterQueue.Messages.Add(message);
                deadLetterQueue.Signal.Pulse();
                changed = true;
                continue;
            }

            message.ReceiveCount++;
            message.FirstReceiveTimestamp ??= now;
            message.VisibleAt = now.AddSeconds(visibilityTimeout ?? queue.VisibilityTimeout);
            message.ReceiptHandle = ReceiptHandles.New(queue.Name, message.MessageId);
            received.Add(new ReceivedMessage(
                message.MessageId, message.ReceiptHandle, message.Body, message.Md5OfBody, message.SenderId,
                message.SentTimestamp, message.ReceiveCount, message.FirstReceiveTimestamp.Value,
                new Dictionary<string, SqsMessageAttribute>(message.MessageAttributes, StringComparer.Ordinal)));
        }

        var next = queue.Messages.Where(m => m.VisibleAt > now).Select(m => (DateTimeOffset?)m.VisibleAt).Min();
        return new ReceiveAttempt(received, queue.Signal.Next, next, changed || received.Count > 0);
    }

    /// <summary>
    /// Deletes the message the handle names. A handle of a message already deleted, or superseded by a later receive,
    /// succeeds without deleting (as SQS documents); a handle of another queue is <c>ReceiptHandleIsInvalid</c>.
    /// </summary>
    public static void Delete(SqsQueue queue, string receiptHandle)
    {
        var messageId = ReceiptHandles.MessageIdOf(receiptHandle, queue.Name);
        queue.Messages.RemoveAll(m => m.MessageId == messageId && m.ReceiptHandle == receiptHandle);
    }

    public void ChangeVisibility(SqsQueue queue, string receiptHandle, int visibilityTimeout)
    {
        if (visibilityTimeout is < 0 or > 43200)
        {
            throw SqsErrors.InvalidParameterValue(
                $"Value {visibilityTimeout} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.");
        }

        var messageId = ReceiptHandles.MessageIdOf(receiptHandle, queue.Name);
        var message = queue.Messages.FirstOrDefault(m => m.MessageId == messageId && m.ReceiptHandle == receiptHandle)
            ?? throw SqsErrors.InvalidParameterValue(
                $"Value {receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.");
        var now = time.GetUtcNow();
        if (!message.IsInFlight(now))
        {
            throw SqsErrors.MessageNotInflight();
        }

        message.VisibleAt = now.AddSeconds(visibilityTimeout);
        if (visibilityTimeout == 0)
        {
            queue.Signal.Pulse();
        }
    }
}
