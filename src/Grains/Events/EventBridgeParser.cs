using System.Globalization;
using System.Text.Json;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.Events;

public enum ParseOutcome
{
    /// <summary>One or more EC2 events were read.</summary>
    Parsed = 1,

    /// <summary>Well-formed EventBridge JSON that is not an EC2 signal we act on (other detail-type or service).</summary>
    Unsupported = 2,

    /// <summary>Not JSON, or JSON that lacks what its detail-type requires.</summary>
    Malformed = 3,
}

/// <summary>The result of reading one SQS message body. Never an exception.</summary>
public sealed record ParseResult(ParseOutcome Outcome, IReadOnlyList<Ec2Event> Events, string? Reason)
{
    public static ParseResult Parsed(IReadOnlyList<Ec2Event> events) => new(ParseOutcome.Parsed, events, null);

    public static ParseResult Unsupported(string reason) => new(ParseOutcome.Unsupported, [], reason);

    public static ParseResult Malformed(string reason) => new(ParseOutcome.Malformed, [], reason);
}

/// <summary>
/// Reads the raw EventBridge JSON that EventBridge rules put on the SQS queue: one parser per detail-type,
/// as the wire reference (section 4.2) spells them. An EventBridge event an SNS topic forwarded (the SNS
/// notification's <c>Message</c> holds it, without raw message delivery) is read the same way. An instance id that is
/// not EC2's shape (<c>i-</c> and 8 or 17 hexadecimal digits) makes the event malformed: it never reaches a grain key.
/// </summary>
public static partial class EventBridgeParser
{
    public const string SpotInterruptionWarning = "EC2 Spot Instance Interruption Warning";
    public const string RebalanceRecommendation = "EC2 Instance Rebalance Recommendation";
    public const string InstanceStateChange = "EC2 Instance State-change Notification";
    public const string HealthEvent = "AWS Health Event";
    public const string CapacityReservationInterruptionWarning = "EC2 Capacity Reservation Instance Interruption Warning";

    public static ParseResult Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return ParseResult.Malformed("the message body is empty");
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return Parse(document.RootElement);
        }
        catch (JsonException exception)
        {
            return ParseResult.Malformed($"the message body is not JSON ({exception.Message})");
        }
    }

    private static ParseResult Parse(JsonElement root, bool inSnsEnvelope = false)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ParseResult.Malformed(inSnsEnvelope ? "the SNS notification's Message is not a JSON object" : "the message body is not a JSON object");
        }

        if (!inSnsEnvelope && ReadString(root, "Type") == "Notification" && root.TryGetProperty("Message", out var message))
        {
            return ParseSnsMessage(message);
        }

        var detailType = ReadString(root, "detail-type");
        if (detailType is null)
        {
            return ParseResult.Malformed("the event has no detail-type");
        }

        var id = ReadString(root, "id");
        if (id is null)
        {
            return ParseResult.Malformed($"the '{detailType}' event has no id");
        }

        if (!TryReadTime(root, out var time))
        {
            return ParseResult.Malformed($"the '{detailType}' event {id} has no valid ISO-8601 time");
        }

        var header = new Header(id, time, ReadString(root, "region"));
        if (!root.TryGetProperty("detail", out var detail) || detail.ValueKind != JsonValueKind.Object)
        {
            return ParseResult.Malformed($"the '{detailType}' event {id} has no detail object");
        }

        return detailType switch
        {
            SpotInterruptionWarning => ParseInstanceEvent(header, detail, Ec2EventKind.SpotInterruptionWarning, "instance-action"),
            CapacityReservationInterruptionWarning => ParseInstanceEvent(header, detail, Ec2EventKind.CapacityReservationInterruptionWarning, "instance-action"),
            RebalanceRecommendation => ParseInstanceEvent(header, detail, Ec2EventKind.RebalanceRecommendation, detailField: null),
            InstanceStateChange => ParseInstanceEvent(header, detail, Ec2EventKind.InstanceStateChange, "state"),
            HealthEvent => ParseHealthEvent(header, detail),
            _ => ParseResult.Unsupported($"detail-type '{detailType}' is not an EC2 signal StatefulSpot handles"),
        };
    }

    /// <summary>Whether <paramref name="value"/> has the shape of an EC2 instance id.</summary>
    public static bool IsInstanceId(string? value) => value is not null && InstanceIdPattern().IsMatch(value);

    [System.Text.RegularExpressions.GeneratedRegex("^i-([0-9a-f]{8}|[0-9a-f]{17})$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex InstanceIdPattern();

    private static ParseResult ParseSnsMessage(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.String || message.GetString() is not { Length: > 0 } text)
        {
            return ParseResult.Malformed("the SNS notification has no Message text");
        }

        try
        {
            using var inner = JsonDocument.Parse(text);
            return Parse(inner.RootElement, inSnsEnvelope: true);
        }
        catch (JsonException exception)
        {
            return ParseResult.Malformed($"the SNS notification's Message is not JSON ({exception.Message})");
        }
    }

    private static ParseResult ParseInstanceEvent(Header header, JsonElement detail, Ec2EventKind kind, string? detailField)
    {
        var instanceId = ReadString(detail, "instance-id");
        if (instanceId is null)
        {
            return ParseResult.Malformed($"the {kind} event {header.Id} has no detail.instance-id");
        }

        if (!IsInstanceId(instanceId))
        {
            return ParseResult.Malformed($"the {kind} event {header.Id} names '{ManagedInstanceIds.Printable(instanceId)}' as detail.instance-id, which is not an EC2 instance id");
        }

        string? value = null;
        if (detailField is not null && (value = ReadString(detail, detailField)) is null)
        {
            return ParseResult.Malformed($"the {kind} event {header.Id} has no detail.{detailField}");
        }

        return ParseResult.Parsed([header.Event(kind, instanceId, value, notBefore: null)]);
    }

    private static ParseResult ParseHealthEvent(Header header, JsonElement detail)
    {
        if (ReadString(detail, "service") != "EC2" || ReadString(detail, "eventTypeCategory") != "scheduledChange")
        {
            return ParseResult.Unsupported($"AWS Health event {header.Id} is not an EC2 scheduled change");
        }

        if (!detail.TryGetProperty("affectedEntities", out var entities) || entities.ValueKind != JsonValueKind.Array)
        {
            return ParseResult.Malformed($"AWS Health event {header.Id} has no affectedEntities array");
        }

        var startTime = ParseHealthTime(ReadString(detail, "startTime"));
        var eventTypeCode = ReadString(detail, "eventTypeCode");
        var events = new List<Ec2Event>();
        foreach (var entity in entities.EnumerateArray())
        {
            var instanceId = entity.ValueKind == JsonValueKind.Object ? ReadString(entity, "entityValue") : null;
            if (instanceId is not null && IsInstanceId(instanceId))
            {
                events.Add(header.Event(Ec2EventKind.ScheduledChange, instanceId, eventTypeCode, startTime));
            }
        }

        return events.Count > 0
            ? ParseResult.Parsed(events)
            : ParseResult.Unsupported($"AWS Health event {header.Id} names no EC2 instance");
    }

    /// <summary>
    /// AWS Health times are RFC 1123 text ("Sat, 05 Jun 2025 15:10:09 GMT"); ISO-8601 is accepted too. The weekday
    /// is dropped before parsing: it adds nothing, and a wrong one must not cost us the date.
    /// </summary>
    private static DateTimeOffset? ParseHealthTime(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var comma = text.IndexOf(',', StringComparison.Ordinal);
        var withoutWeekday = comma is > 0 and <= 9 ? text[(comma + 1)..].Trim() : text;
        return DateTimeOffset.TryParse(withoutWeekday, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;
    }

    private static bool TryReadTime(JsonElement root, out DateTimeOffset time)
    {
        time = default;
        var text = ReadString(root, "time");
        return text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private readonly record struct Header(string Id, DateTimeOffset Time, string? Region)
    {
        public Ec2Event Event(Ec2EventKind kind, string instanceId, string? detail, DateTimeOffset? notBefore) => new()
        {
            EventId = Id,
            Kind = kind,
            InstanceId = instanceId,
            Time = Time,
            Region = Region,
            Detail = detail,
            NotBefore = notBefore,
        };
    }
}
