using System.Globalization;
using System.Text.Json;

namespace StatefulSpot.Emulator.Events;

/// <summary>EventBridge event bodies exactly as EventBridge delivers them to SQS (aws-wire.md 4.2): compact JSON, no envelope.</summary>
internal static class EventBridgeJson
{
    public const string SpotInterruptionWarning = "EC2 Spot Instance Interruption Warning";
    public const string InstanceStateChange = "EC2 Instance State-change Notification";
    public const string RebalanceRecommendation = "EC2 Instance Rebalance Recommendation";
    public const string HealthEvent = "AWS Health Event";

    /// <summary>An <c>aws.ec2</c> event about one instance with a flat string <c>detail</c>.</summary>
    public static string Build(
        string id, string detailType, string account, string region, DateTimeOffset time, string instanceId,
        IReadOnlyList<KeyValuePair<string, string>> detail) =>
        Build(id, detailType, "aws.ec2", account, region, time, [$"arn:aws:ec2:{region}:{account}:instance/{instanceId}"], json =>
        {
            foreach (var (key, value) in detail)
            {
                json.WriteString(key, value);
            }
        });

    /// <summary>Any event: the envelope fields in EventBridge's order, then <c>detail</c> written by <paramref name="detail"/>.</summary>
    public static string Build(
        string id, string detailType, string source, string account, string region, DateTimeOffset time, IReadOnlyList<string> resources,
        Action<Utf8JsonWriter> detail)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "0");
            json.WriteString("id", id);
            json.WriteString("detail-type", detailType);
            json.WriteString("source", source);
            json.WriteString("account", account);
            json.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteString("region", region);
            json.WriteStartArray("resources");
            foreach (var resource in resources)
            {
                json.WriteStringValue(resource);
            }

            json.WriteEndArray();
            json.WriteStartObject("detail");
            detail(json);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>AWS Health's time format: RFC 1123 (<c>Sat, 05 Jun 2025 15:10:09 GMT</c>).</summary>
    public static string HealthTime(DateTimeOffset time) => time.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
}
