using System.Globalization;
using System.Text.Json.Serialization;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>All queues of the world, keyed by name.</summary>
internal sealed class SqsState
{
    public Dictionary<string, SqsQueue> Queues { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>A typed message attribute as SQS stores it (binary values base64).</summary>
internal sealed record SqsMessageAttribute(string DataType, string? StringValue, string? BinaryValue);

/// <summary>One message of a standard queue.</summary>
internal sealed class SqsMessage
{
    public required string MessageId { get; init; }

    public required string Body { get; init; }

    public required string Md5OfBody { get; init; }

    public Dictionary<string, SqsMessageAttribute> MessageAttributes { get; init; } = new(StringComparer.Ordinal);

    public required string SenderId { get; init; }

    public DateTimeOffset SentTimestamp { get; init; }

    /// <summary>When the message can next be received (delay or visibility timeout).</summary>
    public DateTimeOffset VisibleAt { get; set; }

    public int ReceiveCount { get; set; }

    public DateTimeOffset? FirstReceiveTimestamp { get; set; }

    /// <summary>The handle of the latest receive; only it can delete the message or change its visibility.</summary>
    public string? ReceiptHandle { get; set; }

    public bool IsInFlight(DateTimeOffset now) => ReceiveCount > 0 && VisibleAt > now;

    public bool IsDelayed(DateTimeOffset now) => ReceiveCount == 0 && VisibleAt > now;
}

/// <summary>A standard SQS queue.</summary>
internal sealed class SqsQueue
{
    public const string VisibilityTimeoutAttribute = "VisibilityTimeout";
    public const string DelaySecondsAttribute = "DelaySeconds";
    public const string MessageRetentionPeriodAttribute = "MessageRetentionPeriod";
    public const string ReceiveMessageWaitTimeSecondsAttribute = "ReceiveMessageWaitTimeSeconds";
    public const string MaximumMessageSizeAttribute = "MaximumMessageSize";
    public const string RedrivePolicyAttribute = "RedrivePolicy";

    public required string Name { get; init; }

    public DateTimeOffset CreatedTimestamp { get; init; }

    public DateTimeOffset LastModifiedTimestamp { get; set; }

    /// <summary>The settable attributes, always including the defaults.</summary>
    public Dictionary<string, string> Attributes { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);

    public List<SqsMessage> Messages { get; init; } = [];

    /// <summary>When the queue was last purged (PurgeQueue is allowed once every 60 seconds).</summary>
    public DateTimeOffset? LastPurge { get; set; }

    /// <summary>Wakes long polls when a message may have become receivable. Not persisted.</summary>
    [JsonIgnore]
    public QueueSignal Signal { get; } = new();

    [JsonIgnore]
    public int VisibilityTimeout => IntAttribute(VisibilityTimeoutAttribute);

    [JsonIgnore]
    public int DelaySeconds => IntAttribute(DelaySecondsAttribute);

    [JsonIgnore]
    public int MessageRetentionPeriod => IntAttribute(MessageRetentionPeriodAttribute);

    [JsonIgnore]
    public int ReceiveMessageWaitTimeSeconds => IntAttribute(ReceiveMessageWaitTimeSecondsAttribute);

    [JsonIgnore]
    public int MaximumMessageSize => IntAttribute(MaximumMessageSizeAttribute);

    public static IReadOnlyDictionary<string, string> DefaultAttributes { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [VisibilityTimeoutAttribute] = "30",
        [DelaySecondsAttribute] = "0",
        [MessageRetentionPeriodAttribute] = "345600",
        [ReceiveMessageWaitTimeSecondsAttribute] = "0",
        [MaximumMessageSizeAttribute] = "1048576",
    };

    private int IntAttribute(string name) =>
        int.Parse(Attributes.TryGetValue(name, out var v) ? v : DefaultAttributes[name], CultureInfo.InvariantCulture);
}

/// <summary>A pulse that long polls wait on; replaced on every pulse.</summary>
internal sealed class QueueSignal
{
    private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/>. Read under the world lock.</summary>
    public Task Next => _current.Task;

    public void Pulse()
    {
        var previous = _current;
        _current = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
