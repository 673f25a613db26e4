using System.Text.RegularExpressions;
using StatefulSpot.Emulator.Core;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>
/// The message-level SQS operations on the wire: SendMessage(Batch), ReceiveMessage (long polling), DeleteMessage(Batch),
/// ChangeMessageVisibility.
/// </summary>
internal sealed partial class SqsMessageActions(WorldGate gate, QueueOperations queues, MessageOperations messages, TimeProvider time)
{
    public void Register(IDictionary<string, SqsAction> actions)
    {
        actions["SendMessage"] = SendMessage;
        actions["SendMessageBatch"] = SendMessageBatch;
        actions["ReceiveMessage"] = ReceiveMessageAsync;
        actions["DeleteMessage"] = DeleteMessage;
        actions["DeleteMessageBatch"] = DeleteMessageBatch;
        actions["ChangeMessageVisibility"] = ChangeMessageVisibility;
    }

    private ValueTask SendMessage(SqsCall call)
    {
        var url = call.Request.RequiredString("QueueUrl");
        var body = call.Request.String("MessageBody");
        var attributes = call.Request.MessageAttributes();
        var delay = call.Request.Int("DelaySeconds");
        var message = gate.Write(s => messages.Send(queues.FindByUrl(s.Sqs, url), body, attributes, delay));
        SqsJson.Object(call.Json, j =>
        {
            j.WriteString("MD5OfMessageBody", message.Md5OfBody);
            if (attributes.Count > 0)
            {
                j.WriteString("MD5OfMessageAttributes", SqsHashes.MessageAttributes(attributes));
            }

            j.WriteString("MessageId", message.MessageId);
        });
        return ValueTask.CompletedTask;
    }

    private ValueTask SendMessageBatch(SqsCall call)
    {
        var url = call.Request.RequiredString("QueueUrl");
        var entries = ValidateBatch(call.Request.Entries("Entries"), "SendMessageBatchRequestEntry");
        var results = gate.Write(s =>
        {
            var queue = queues.FindByUrl(s.Sqs, url);
            return entries.Select(e =>
            {
                var id = e.String("Id")!;
                var attributes = e.MessageAttributes();
                try
                {
                    var message = messages.Send(queue, e.String("MessageBody"), attributes, e.Int("DelaySeconds"));
                    return new BatchResult(id, message, attributes.Count > 0 ? SqsHashes.MessageAttributes(attributes) : null, null);
                }
                catch (SqsException error)
                {
                    return new BatchResult(id, null, null, error);
                }
            }).ToList();
        });
        SqsJson.Object(call.Json, j =>
        {
            j.WriteStartArray("Successful");
            foreach (var r in results.Where(r => r.Message is not null))
            {
                j.WriteStartObject();
                j.WriteString("Id", r.Id);
                j.WriteString("MessageId", r.Message!.MessageId);
                j.WriteString("MD5OfMessageBody", r.Message.Md5OfBody);
                if (r.AttributesMd5 is not null)
                {
                    j.WriteString("MD5OfMessageAttributes", r.AttributesMd5);
                }

                j.WriteEndObject();
            }

            j.WriteEndArray();
            SqsJson.Failed(j, results.Where(r => r.Error is not null).Select(r => (r.Id, r.Error!)));
        });
        return ValueTask.CompletedTask;
    }

    private async ValueTask ReceiveMessageAsync(SqsCall call)
    {
        var url = call.Request.RequiredString("QueueUrl");
        var max = call.Request.Int("MaxNumberOfMessages") ?? 1;
        if (max is < 1 or > 10)
        {
            throw SqsErrors.InvalidParameterValue(
                $"Value {max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
        }

        var visibility = call.Request.Int("VisibilityTimeout");
        if (visibility is < 0 or > 43200)
        {
            throw SqsErrors.InvalidParameterValue(
                $"Value {visibility} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.");
        }

        var wait = call.Request.Int("WaitTimeSeconds") ?? gate.Read(s => queues.FindByUrl(s.Sqs, url).ReceiveMessageWaitTimeSeconds);
        if (wait is < 0 or > 20)
        {
            throw SqsErrors.InvalidParameterValue(
                $"Value {wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.");
        }

        var systemNames = call.Request.StringList("AttributeNames").Concat(call.Request.StringList("MessageSystemAttributeNames")).ToList();
        var attributeNames = call.Request.StringList("MessageAttributeNames");
        var deadline = time.GetUtcNow().AddSeconds(wait);
        while (true)
        {
            var attempt = gate.Write(s => messages.TryReceive(s.Sqs, queues.FindByUrl(s.Sqs, url), max, visibility), a => a.Changed);
            var now = time.GetUtcNow();
            if (attempt.Messages.Count > 0 || now >= deadline)
            {
                SqsJson.Messages(call.Json, attempt.Messages, systemNames, attributeNames);
                return;
            }

            var delay = deadline - now;
            if (attempt.NextVisibleAt is { } next && next - now < delay)
            {
                delay = next - now < TimeSpan.Zero ? TimeSpan.Zero : next - now;
            }

            using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(call.Cancellation);
            await Task.WhenAny(attempt.Signal, Task.Delay(delay, time, stopDelay.Token)).ConfigureAwait(false);
            await stopDelay.CancelAsync().ConfigureAwait(false);
            if (call.Cancellation.IsCancellationRequested)
            {
                // the client went away or the emulator is stopping: end the poll empty-handed
                SqsJson.Messages(call.Json, [], systemNames, attributeNames);
                return;
            }
        }
    }

    private ValueTask DeleteMessage(SqsCall call)
    {
        var url = call.Request.RequiredString("QueueUrl");
        var handle = call.Request.RequiredString("ReceiptHandle");
        gate.Write(s => MessageOperations.Delete(queues.FindByUrl(s.Sqs, url), handle));
        SqsJson.Object(call.Json, _ => { });
        return ValueTask.CompletedTask;
    }

    private ValueTask DeleteMessageBatch(SqsCall call)
    {
        var url = call.Request.RequiredString("QueueUrl");
        var entries = ValidateBatch(call.Request.Entries("Entries"), "DeleteMessageBatchRequestEntry");
        var results = gate.Write(s =>
        {
            var queue = queues.FindByUrl(s.Sqs, url);
            return entries.Select(e =>
            {
                try
                {
                    MessageOperations.Delete(queue, e.RequiredString("ReceiptHandle"));
                    return (Id: e.String("Id")!, Error: (SqsException?)null);
                }
                catch (SqsException error)
                {
                    return (Id: e.String("Id")!, Error: error);
                }
            }).ToList();
        });
        SqsJson.Object(call.Json, j =>
        {
            j.WriteStartArray("Successful");
            foreach (var (id, _) in results.Where(r => r.Error is null))
            {
                j.WriteStartObject();
                j.WriteString("Id", id);
                j.WriteEndObject();
            }

            j.WriteEndArray();
            SqsJson.Failed(j, results.Where(r => r.Error is not null).Select(r => (r.Id, r.Error!)));
        });
        return ValueTask.CompletedTask;
    }

    private ValueTask ChangeMessageVisibility(SqsCall call)
    {
        var url = call.Request.RequiredString("QueueUrl");
        var handle = call.Request.RequiredString("ReceiptHandle");
        var timeout = call.Request.Int("VisibilityTimeout") ?? throw SqsErrors.MissingParameter("VisibilityTimeout");
        gate.Write(s => messages.ChangeVisibility(queues.FindByUrl(s.Sqs, url), handle, timeout));
        SqsJson.Object(call.Json, _ => { });
        return ValueTask.CompletedTask;
    }

    private static IReadOnlyList<SqsRequest> ValidateBatch(IReadOnlyList<SqsRequest> entries, string entryType)
    {
        if (entries.Count == 0)
        {
            throw SqsErrors.EmptyBatchRequest(entryType);
        }

        if (entries.Count > 10)
        {
            throw SqsErrors.TooManyEntriesInBatchRequest(entries.Count);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var id = entry.String("Id");
            if (id is null || !BatchIdPattern().IsMatch(id))
            {
                throw SqsErrors.InvalidBatchEntryId();
            }

            if (!seen.Add(id))
            {
                throw SqsErrors.BatchEntryIdsNotDistinct(id);
            }
        }

        return entries;
    }

    private sealed record BatchResult(string Id, SqsMessage? Message, string? AttributesMd5, SqsException? Error);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex BatchIdPattern();
}
