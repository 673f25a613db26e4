using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace StatefulSpot.Unit.Tests.Streaming;

/// <summary>
/// An in-memory SQS double: the real client with the calls the provider makes overridden, so
/// nothing ever reaches the (unroutable) endpoint.
/// </summary>
internal sealed class FakeSqs : AmazonSQSClient
{
    public const string QueueUrl = "http://127.0.0.1:9/000000000000/spot-events";

    private readonly Queue<List<Message>> _receiveResults = new();
    private int _nextMessageNumber;

    public FakeSqs()
        : base(new BasicAWSCredentials("test", "test"), new AmazonSQSConfig { ServiceURL = "http://127.0.0.1:9", MaxErrorRetry = 0 })
    {
    }

    /// <summary>The next ReceiveMessage call throws this, once.</summary>
    public Exception? ReceiveFailure { get; set; }

    /// <summary>DeleteMessageBatch calls throw this while set.</summary>
    public Exception? DeleteFailure { get; set; }

    /// <summary>DeleteMessageBatch reports these receipt handles as failed.</summary>
    public HashSet<string> RejectedReceiptHandles { get; } = [];

    /// <summary>ChangeMessageVisibility calls throw this while set.</summary>
    public Exception? VisibilityFailure { get; set; }

    /// <summary>Stamps <see cref="VisibilityChanges"/>; the harness sets it to the provider's clock.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Every ChangeMessageVisibility call that succeeded, with the time it was made.</summary>
    public List<VisibilityChange> VisibilityChanges { get; } = [];

    /// <summary>Attributes GetQueueAttributes returns (all of them, whatever was asked).</summary>
    public Dictionary<string, string> QueueAttributes { get; } = [];

    public List<GetQueueAttributesRequest> QueueAttributeRequests { get; } = [];

    /// <summary>Queue names GetQueueUrl knows.</summary>
    public HashSet<string> ExistingQueues { get; } = [];

    public List<ReceiveMessageRequest> ReceiveRequests { get; } = [];

    public List<DeleteMessageBatchRequest> DeleteRequests { get; } = [];

    public List<string> CreatedQueues { get; } = [];

    /// <summary>Receipt handles of every message deleted successfully.</summary>
    public List<string> DeletedReceiptHandles { get; } = [];

    /// <summary>Queues messages with these bodies for the next ReceiveMessage call; returns them.</summary>
    public List<Message> Enqueue(params string[] bodies)
    {
        var messages = new List<Message>();
        foreach (var body in bodies)
        {
            var number = ++_nextMessageNumber;
            messages.Add(new Message
            {
                MessageId = $"msg-{number}",
                ReceiptHandle = $"receipt-{number}",
                Body = body,
            });
        }

        _receiveResults.Enqueue(messages);
        return messages;
    }

    public override Task<ReceiveMessageResponse> ReceiveMessageAsync(ReceiveMessageRequest request, CancellationToken cancellationToken = default)
    {
        ReceiveRequests.Add(request);
        if (ReceiveFailure is { } failure)
        {
            ReceiveFailure = null;
            return Task.FromException<ReceiveMessageResponse>(failure);
        }

        // Like AWSSDK v4 on an empty queue: Messages is null, not an empty list.
        var messages = _receiveResults.TryDequeue(out var next) ? next : null;
        return Task.FromResult(new ReceiveMessageResponse { Messages = messages, HttpStatusCode = HttpStatusCode.OK });
    }

    public override Task<DeleteMessageBatchResponse> DeleteMessageBatchAsync(DeleteMessageBatchRequest request, CancellationToken cancellationToken = default)
    {
        DeleteRequests.Add(request);
        if (DeleteFailure is { } failure)
        {
            return Task.FromException<DeleteMessageBatchResponse>(failure);
        }

        if (request.Entries.Count is 0 or > 10)
        {
            throw new AmazonSQSException($"{request.Entries.Count} entries; a batch takes 1 to 10.");
        }

        var response = new DeleteMessageBatchResponse { HttpStatusCode = HttpStatusCode.OK };
        foreach (var entry in request.Entries)
        {
            if (RejectedReceiptHandles.Contains(entry.ReceiptHandle))
            {
                (response.Failed ??= []).Add(new BatchResultErrorEntry { Id = entry.Id, Code = "ReceiptHandleIsInvalid", Message = "bad handle", SenderFault = true });
            }
            else
            {
                DeletedReceiptHandles.Add(entry.ReceiptHandle);
                (response.Successful ??= []).Add(new DeleteMessageBatchResultEntry { Id = entry.Id });
            }
        }

        return Task.FromResult(response);
    }

    /// <summary>Every SendMessageBatch call: the queue and the entries sent.</summary>
    public List<SendMessageBatchRequest> SentBatches { get; } = [];

    public override Task<SendMessageBatchResponse> SendMessageBatchAsync(SendMessageBatchRequest request, CancellationToken cancellationToken = default)
    {
        lock (SentBatches)
        {
            SentBatches.Add(request);
        }

        return Task.FromResult(new SendMessageBatchResponse
        {
            Successful = [.. request.Entries.Select(e => new SendMessageBatchResultEntry { Id = e.Id, MessageId = "dlq-" + e.Id })],
            HttpStatusCode = HttpStatusCode.OK,
        });
    }

    public override Task<ChangeMessageVisibilityResponse> ChangeMessageVisibilityAsync(ChangeMessageVisibilityRequest request, CancellationToken cancellationToken = default)
    {
        if (VisibilityFailure is { } failure)
        {
            return Task.FromException<ChangeMessageVisibilityResponse>(failure);
        }

        lock (VisibilityChanges)
        {
            VisibilityChanges.Add(new VisibilityChange(request.ReceiptHandle, request.VisibilityTimeout ?? -1, Clock.GetUtcNow()));
        }

        return Task.FromResult(new ChangeMessageVisibilityResponse { HttpStatusCode = HttpStatusCode.OK });
    }

    public override Task<GetQueueAttributesResponse> GetQueueAttributesAsync(GetQueueAttributesRequest request, CancellationToken cancellationToken = default)
    {
        QueueAttributeRequests.Add(request);
        return Task.FromResult(new GetQueueAttributesResponse
        {
            // Like AWSSDK v4: no attributes is null, not an empty dictionary.
            Attributes = QueueAttributes.Count > 0 ? new(QueueAttributes) : null,
            HttpStatusCode = HttpStatusCode.OK,
        });
    }

    public override Task<GetQueueUrlResponse> GetQueueUrlAsync(GetQueueUrlRequest request, CancellationToken cancellationToken = default) =>
        ExistingQueues.Contains(request.QueueName)
            ? Task.FromResult(new GetQueueUrlResponse { QueueUrl = UrlOf(request.QueueName) })
            : Task.FromException<GetQueueUrlResponse>(new QueueDoesNotExistException("The specified queue does not exist."));

    public override Task<CreateQueueResponse> CreateQueueAsync(CreateQueueRequest request, CancellationToken cancellationToken = default)
    {
        CreatedQueues.Add(request.QueueName);
        ExistingQueues.Add(request.QueueName);
        return Task.FromResult(new CreateQueueResponse { QueueUrl = UrlOf(request.QueueName) });
    }

    public static string UrlOf(string queueName) => $"http://127.0.0.1:9/000000000000/{queueName}";
}

/// <summary>One successful ChangeMessageVisibility call: the message's new timeout, counted from <paramref name="At"/>.</summary>
internal sealed record VisibilityChange(string ReceiptHandle, int Seconds, DateTimeOffset At)
{
    public DateTimeOffset VisibleAgainAt => At + TimeSpan.FromSeconds(Seconds);
}
