using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// The SQS calls of one receiver: resolving (or creating) the queue, receiving, changing visibility and deleting,
/// the last two in the chunks SQS allows. Changing visibility and deleting never throw: a failure is logged and
/// counted, and the message reappears after its current visibility timeout at the latest.
/// </summary>
internal sealed partial class SqsQueueClient
{
    /// <summary>The most entries SQS accepts in one DeleteMessageBatch call.</summary>
    private const int DeleteBatchLimit = 10;

    /// <summary>
    /// ChangeMessageVisibility calls made in parallel. The emulator (and so the provider) has no
    /// ChangeMessageVisibilityBatch; parallel single calls keep a shutdown with many messages short.
    /// </summary>
    private const int ConcurrentVisibilityChanges = 10;

    private readonly string _providerName;
    private readonly SqsStreamOptions _options;
    private readonly IAmazonSQS _sqs;
    private readonly SqsStreamCounters _counters;
    private readonly ILogger _logger;
    private string? _queueUrl;
    private Task<string?>? _deadLetterQueueUrl;
    private long _deadLetterReadAt;

    /// <summary>How long "no dead-letter queue" is believed before the RedrivePolicy is read again (one may be added later).</summary>
    private const long DeadLetterRecheckMilliseconds = 60_000;

    public SqsQueueClient(string providerName, SqsStreamOptions options, IAmazonSQS sqs, SqsStreamCounters counters, ILogger logger)
    {
        _providerName = providerName;
        _options = options;
        _sqs = sqs;
        _counters = counters;
        _logger = logger;
    }

    /// <summary>The queue URL once resolved; a message cannot be in flight before it is.</summary>
    public string? QueueUrl => _queueUrl;

    /// <summary>True for failures of the SQS call itself: AWS errors, transport errors and client timeouts.</summary>
    public static bool IsSqsFailure(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        AmazonServiceException or AmazonClientException or HttpRequestException or IOException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>The configured URL, or the named queue's (created when missing, if asked); remembered once known.</summary>
    public async ValueTask<string> GetQueueUrlAsync(CancellationToken cancellationToken)
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

    /// <summary>
    /// One ReceiveMessage call with the options' batch size, wait and visibility timeout; when it comes back full, up
    /// to <see cref="SqsStreamOptions.ReceivesPerPoll"/> - 1 more at once without waiting (a burst drains in one poll).
    /// Throws what the SDK throws.
    /// </summary>
    public async Task<List<Message>> ReceiveAsync(string queueUrl, int maxCount, CancellationToken cancellationToken)
    {
        var messages = await ReceiveOnceAsync(queueUrl, maxCount, _options.ReceiveWaitTime, cancellationToken);
        var extra = Math.Min(_options.ReceivesPerPoll - 1, maxCount > 0 ? (maxCount - messages.Count) / _options.MaxMessagesPerReceive : int.MaxValue);
        if (messages.Count < _options.MaxMessagesPerReceive || extra <= 0)
        {
            return messages;
        }

        var more = await Task.WhenAll(Enumerable.Range(0, extra).Select(_ => ReceiveOnceAsync(queueUrl, maxCount, TimeSpan.Zero, cancellationToken)));
        messages.AddRange(more.SelectMany(m => m));
        return messages;
    }

    private async Task<List<Message>> ReceiveOnceAsync(string queueUrl, int maxCount, TimeSpan wait, CancellationToken cancellationToken)
    {
        var response = await _sqs.ReceiveMessageAsync(
            new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = maxCount > 0 ? Math.Min(maxCount, _options.MaxMessagesPerReceive) : _options.MaxMessagesPerReceive,
                WaitTimeSeconds = (int)wait.TotalSeconds,
                VisibilityTimeout = (int)_options.VisibilityTimeout.TotalSeconds,
                MessageSystemAttributeNames = [MessageSystemAttributeName.All],
                MessageAttributeNames = ["All"],
            },
            cancellationToken);
        return response.Messages ?? [];
    }

    /// <summary>
    /// Sets each message's visibility timeout, a few calls at a time; returns which calls succeeded.
    /// Failures are logged (once per round) and counted; calls not made because
    /// <paramref name="cancellationToken"/> fired count as not succeeded. Never throws.
    /// </summary>
    public async Task<bool[]> ChangeVisibilityAsync(string queueUrl, IReadOnlyList<(SqsReceipt Receipt, int Seconds)> changes, CancellationToken cancellationToken)
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
                var (receipt, seconds) = changes[start + i];
                calls[i] = TryChangeVisibilityAsync(queueUrl, receipt.ReceiptHandle, seconds, cancellationToken);
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

    /// <summary>Deletes the messages in chunks of 10; returns how many were deleted. Never throws.</summary>
    public async Task<int> DeleteAsync(string queueUrl, IReadOnlyList<SqsReceipt> messages, CancellationToken cancellationToken)
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
                var response = await _sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest { QueueUrl = queueUrl, Entries = entries }, cancellationToken);
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

    /// <summary>LeaveForRedrive without a RedrivePolicy brings discarded messages back until they age out: say so. Never throws.</summary>
    /// <summary>
    /// The URL of the queue's dead-letter queue (its RedrivePolicy's deadLetterTargetArn, same endpoint): read once when
    /// there is one, read again a minute later when there was none. Null when it has none or the policy cannot be read.
    /// </summary>
    public Task<string?> DeadLetterQueueUrlAsync(string queueUrl, CancellationToken cancellationToken)
    {
        var known = _deadLetterQueueUrl;
        var stale = known is { IsCompletedSuccessfully: true, Result: null } && Environment.TickCount64 - _deadLetterReadAt > DeadLetterRecheckMilliseconds;
        if (known is null || stale)
        {
            _deadLetterReadAt = Environment.TickCount64;
            known = _deadLetterQueueUrl = ReadDeadLetterQueueUrlAsync(queueUrl, cancellationToken);
        }

        return known;
    }

    /// <summary>
    /// Sends each message to the dead-letter queue (its body, the reason and the source message id as attributes) and
    /// deletes it from the queue: ten per SendMessageBatch and DeleteMessageBatch. Returns the ids of the messages moved.
    /// Never throws; a message not moved stays where it is.
    /// </summary>
    public async Task<HashSet<string>> MoveAsync(string queueUrl, string deadLetterUrl, IReadOnlyList<(SqsReceipt Receipt, Message Message)> messages,
        CancellationToken cancellationToken)
    {
        var moved = new HashSet<string>(StringComparer.Ordinal);
        await Task.WhenAll(messages.Chunk(DeleteBatchLimit).Select(MoveChunkAsync));
        return moved;

        async Task MoveChunkAsync((SqsReceipt Receipt, Message Message)[] chunk)
        {
            try
            {
                var sent = await _sqs.SendMessageBatchAsync(new SendMessageBatchRequest
                {
                    QueueUrl = deadLetterUrl,
                    Entries = [.. chunk.Select((m, i) => new SendMessageBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), m.Message.Body)
                    {
                        MessageAttributes = new Dictionary<string, MessageAttributeValue>
                        {
                            ["statefulspot.source-message-id"] = new() { DataType = "String", StringValue = m.Receipt.MessageId },
                        },
                    })],
                }, cancellationToken);
                var ok = (sent.Successful ?? []).Select(s => chunk[int.Parse(s.Id, NumberStyles.None, CultureInfo.InvariantCulture)].Receipt).ToList();
                var deleted = await DeleteAsync(queueUrl, ok, cancellationToken);
                if (deleted == ok.Count)
                {
                    lock (moved)
                    {
                        moved.UnionWith(ok.Select(r => r.MessageId));
                    }
                }
            }
            catch (Exception ex) when (IsSqsFailure(ex, cancellationToken) || cancellationToken.IsCancellationRequested)
            {
                LogMoveFailed(ex, _providerName, chunk.Length, deadLetterUrl);
            }
        }
    }

    private async Task<string?> ReadDeadLetterQueueUrlAsync(string queueUrl, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _sqs.GetQueueAttributesAsync(
                new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = [QueueAttributeName.RedrivePolicy] }, cancellationToken);
            return response.Attributes?.GetValueOrDefault(QueueAttributeName.RedrivePolicy) is { } policy ? DeadLetterUrl(queueUrl, policy) : null;
        }
        catch (Exception ex) when (IsSqsFailure(ex, cancellationToken))
        {
            LogRedrivePolicyUnknown(ex, _providerName, queueUrl);
            _deadLetterQueueUrl = null; // asked again at the next discard
            return null;
        }
    }

    /// <summary>The dead-letter queue's URL on the queue's own endpoint: /{account}/{name} of its ARN in place of the queue's.</summary>
    internal static string? DeadLetterUrl(string queueUrl, string redrivePolicy)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(redrivePolicy);
            var arn = json.RootElement.GetProperty("deadLetterTargetArn").GetString()?.Split(':');
            if (arn is not { Length: 6 } || !Uri.TryCreate(queueUrl, UriKind.Absolute, out var url))
            {
                return null;
            }

            var segments = url.AbsolutePath.Trim('/').Split('/');
            var prefix = segments.Length > 2 ? string.Join('/', segments[..^2]) + "/" : "";
            return new UriBuilder(url) { Path = $"/{prefix}{arn[4]}/{arn[5]}" }.Uri.ToString();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    public async Task WarnIfNoRedrivePolicyAsync(string queueUrl, CancellationToken cancellationToken)
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
}
