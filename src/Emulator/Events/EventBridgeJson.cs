using System.Globalization;
using System.Text.Json;

namespace StatefulSpot.Emulator.Events;

/// <summary>EventBridge event bodies exactly as EventBridge delivers them to SQS (aws-wire.md 4.2): compact JSON, no envelope.</summary>
internal static class EventBridgeJson
{
    public const string SpotInterruptionWarning = "EC2 Spot Instance Interruption Warning";
    public const string InstanceStateChange = "EC2 Instance State-change Notification";

    public static string Build(
        string id, string detailType, string account, string region, DateTimeOffset time, string instanceId,
        IReadOnlyList<KeyValuePair<string, string>> detail)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "0");
            json.WriteString("id", id);
            json.WriteString("detail-type", detailType);
            json.WriteString("source", "aws.ec2");
            json.WriteString("account", account);
            json.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteString("region", region);
            json.WriteStartArray("resources");
            json.WriteStringValue($"arn:aws:ec2:{region}:{account}:instance/{instanceId}");
            json.WriteEndArray();
            json.WriteStartObject("detail");
            foreach (var (key, value) in detail)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
