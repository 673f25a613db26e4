using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>Queue-level SQS rules: create (idempotent for equal attributes), look up by URL, attributes.</summary>
internal sealed partial class QueueOperations(EmulatorOptions options, TimeProvider time)
{
    /// <summary>How often a queue may be purged (real time, as SQS).</summary>
    public static readonly TimeSpan PurgeInterval = TimeSpan.FromSeconds(60);

    private static readonly Dictionary<string, (int Min, int Max)> NumericAttributes = new(StringComparer.Ordinal)
    {
        [SqsQueue.DelaySecondsAttribute] = (0, 900),
        [SqsQueue.MaximumMessageSizeAttribute] = (1024, 1048576),
        [SqsQueue.MessageRetentionPeriodAttribute] = (60, 1209600),
        [SqsQueue.ReceiveMessageWaitTimeSecondsAttribute] = (0, 20),
        [SqsQueue.VisibilityTimeoutAttribute] = (0, 43200),
        ["KmsDataKeyReusePeriodSeconds"] = (60, 86400),
    };

    private static readonly HashSet<string> OpaqueAttributes = new(StringComparer.Ordinal)
    {
        "Policy", "KmsMasterKeyId", "SqsManagedSseEnabled", "RedriveAllowPolicy",
    };

    public string AccountId => options.AccountId;

    public string QueueUrl(string serviceUrl, string name) => $"{serviceUrl}{options.AccountId}/{name}";

    public string QueueArn(string name) => $"arn:aws:sqs:{options.Region}:{options.AccountId}:{name}";

    public SqsQueue Create(
        SqsState state, string name, IReadOnlyDictionary<string, string> attributes, IReadOnlyDictionary<string, string> tags)
    {
        if (!QueueNamePattern().IsMatch(name))
        {
            throw name.EndsWith(".fifo", StringComparison.Ordinal)
                ? SqsErrors.UnsupportedOperation("FIFO queues are not supported by the emulator.")
                : SqsErrors.InvalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        }

        foreach (var (attribute, value) in attributes)
        {
            ValidateAttribute(attribute, value);
        }

        if (state.Queues.TryGetValue(name, out var existing))
        {
            foreach (var (attribute, value) in attributes)
            {
                var current = existing.Attributes.TryGetValue(attribute, out var v) ? v : null;
                if (!string.Equals(Normalize(attribute, current), Normalize(attribute, value), StringComparison.Ordinal))
                {
                    throw SqsErrors.QueueNameExists(attribute);
                }
            }

            return existing;
        }

        var now = time.GetUtcNow();
        var queue = new SqsQueue
        {
            Name = name,
            CreatedTimestamp = now,
            LastModifiedTimestamp = now,
            Attributes = new Dictionary<string, string>(SqsQueue.DefaultAttributes, StringComparer.Ordinal),
            Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal),
        };
        foreach (var (attribute, value) in attributes)
        {
            queue.Attributes[attribute] = value;
        }

        state.Queues[name] = queue;
        return queue;
    }

    /// <summary>SetQueueAttributes: validated like CreateQueue; an empty RedrivePolicy removes the policy.</summary>
    public void SetAttributes(SqsQueue queue, IReadOnlyDictionary<string, string> attributes)
    {
        if (attributes.Count == 0)
        {
            throw SqsErrors.MissingParameter("Attributes");
        }

        foreach (var (attribute, value) in attributes)
        {
            if (!(attribute == SqsQueue.RedrivePolicyAttribute && value.Length == 0))
            {
                ValidateAttribute(attribute, value);
            }
        }

        foreach (var (attribute, value) in attributes)
        {
            if (attribute == SqsQueue.RedrivePolicyAttribute && value.Length == 0)
            {
                queue.Attributes.Remove(attribute);
            }
            else
            {
                queue.Attributes[attribute] = value;
            }
        }

        queue.LastModifiedTimestamp = time.GetUtcNow();
        queue.Signal.Pulse();
    }

    /// <summary>PurgeQueue: every message goes; a second purge within 60 seconds is PurgeQueueInProgress.</summary>
    public void Purge(SqsQueue queue, string queueUrl)
    {
        var now = time.GetUtcNow();
        if (queue.LastPurge is { } last && now - last < PurgeInterval)
        {
            throw SqsErrors.PurgeQueueInProgress(queueUrl);
        }

        queue.Messages.Clear();
        queue.LastPurge = now;
    }

    public static SqsQueue FindByName(SqsState state, string name) =>
        state.Queues.TryGetValue(name, out var queue) ? queue : throw SqsErrors.QueueDoesNotExist();

    /// <summary>Resolves <c>…/{account}/{name}</c>; the host part is ignored (the SDK sends every call to ServiceURL anyway).</summary>
    public SqsQueue FindByUrl(SqsState state, string queueUrl)
    {
        var path = Uri.TryCreate(queueUrl, UriKind.Absolute, out var uri) ? uri.AbsolutePath : queueUrl;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2 || segments[^2] != options.AccountId)
        {
            throw SqsErrors.QueueDoesNotExist();
        }

        return FindByName(state, segments[^1]);
    }

    /// <summary>The requested attributes (<c>All</c> for every one); unknown names are <c>InvalidAttributeName</c>.</summary>
    public Dictionary<string, string> GetAttributes(SqsQueue queue, IReadOnlyList<string> names)
    {
        var all = AllAttributes(queue);
        if (names.Contains("All"))
        {
            return all;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (all.TryGetValue(name, out var value))
            {
                result[name] = value;
            }
            else if (!NumericAttributes.ContainsKey(name) && !OpaqueAttributes.Contains(name) && name != SqsQueue.RedrivePolicyAttribute)
            {
                throw SqsErrors.InvalidAttributeName(name);
            }
        }

        return result;
    }

    /// <summary>The dead-letter queue and receive limit of <paramref name="queue"/>'s redrive policy, if it has one.</summary>
    public static (string DeadLetterQueueName, int MaxReceiveCount)? RedrivePolicy(SqsQueue queue)
    {
        if (!queue.Attributes.TryGetValue(SqsQueue.RedrivePolicyAttribute, out var json))
        {
            return null;
        }

        var (arn, max) = ParseRedrivePolicy(json);
        return (arn[(arn.LastIndexOf(':') + 1)..], max);
    }

    private Dictionary<string, string> AllAttributes(SqsQueue queue)
    {
        var now = time.GetUtcNow();
        var live = queue.Messages.Where(m => !MessageOperations.IsExpired(queue, m, now)).ToList();
        var result = new Dictionary<string, string>(queue.Attributes, StringComparer.Ordinal)
        {
            ["ApproximateNumberOfMessages"] = Count(live.Count(m => m.VisibleAt <= now)),
            ["ApproximateNumberOfMessagesNotVisible"] = Count(live.Count(m => m.IsInFlight(now))),
            ["ApproximateNumberOfMessagesDelayed"] = Count(live.Count(m => m.IsDelayed(now))),
            ["CreatedTimestamp"] = Count(queue.CreatedTimestamp.ToUnixTimeSeconds()),
            ["LastModifiedTimestamp"] = Count(queue.LastModifiedTimestamp.ToUnixTimeSeconds()),
            ["QueueArn"] = QueueArn(queue.Name),
        };
        return result;
    }

    private static void ValidateAttribute(string name, string value)
    {
        if (NumericAttributes.TryGetValue(name, out var range))
        {
            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                || number < range.Min || number > range.Max)
            {
                throw SqsErrors.InvalidAttributeValue(name);
            }
        }
        else if (name == SqsQueue.RedrivePolicyAttribute)
        {
            ParseRedrivePolicy(value);
        }
        else if (name == "FifoQueue")
        {
            throw value == "true"
                ? SqsErrors.UnsupportedOperation("FIFO queues are not supported by the emulator.")
                : SqsErrors.InvalidAttributeName(name);
        }
        else if (!OpaqueAttributes.Contains(name))
        {
            throw SqsErrors.InvalidAttributeName(name);
        }
    }

    private static (string Arn, int MaxReceiveCount) ParseRedrivePolicy(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var arn = doc.RootElement.GetProperty("deadLetterTargetArn").GetString();
            var maxElement = doc.RootElement.GetProperty("maxReceiveCount");
            var max = maxElement.ValueKind == JsonValueKind.Number
                ? maxElement.GetInt32()
                : int.Parse(maxElement.GetString() ?? "", CultureInfo.InvariantCulture);
            if (!string.IsNullOrEmpty(arn) && max is >= 1 and <= 1000)
            {
                return (arn, max);
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            // invalid below
        }

        throw SqsErrors.InvalidAttributeValue(SqsQueue.RedrivePolicyAttribute);
    }

    private static string? Normalize(string attribute, string? value)
    {
        if (value is null || attribute != SqsQueue.RedrivePolicyAttribute)
        {
            return value;
        }

        var (arn, max) = ParseRedrivePolicy(value);
        return arn + "|" + max.ToString(CultureInfo.InvariantCulture);
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex QueueNamePattern();
}
