using System.Globalization;
using System.Text.Json;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>SQS JSON 1.0 response shapes shared by the operations.</summary>
internal static class SqsJson
{
    private static readonly string[] SystemAttributes =
        ["SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"];

    /// <summary>ReceiveMessage body: <c>{"Messages": [...]}</c>, or <c>{}</c> when nothing was received.</summary>
    public static void Messages(
        Utf8JsonWriter json, IReadOnlyList<ReceivedMessage> received, IReadOnlyList<string> systemNames, IReadOnlyList<string> attributeNames)
    {
        Object(json, j =>
        {
            if (received.Count == 0)
            {
                return;
            }

            j.WriteStartArray("Messages");
            foreach (var m in received)
            {
                j.WriteStartObject();
                j.WriteString("MessageId", m.MessageId);
                j.WriteString("ReceiptHandle", m.ReceiptHandle);
                j.WriteString("MD5OfBody", m.Md5OfBody);
                j.WriteString("Body", m.Body);
                var system = SelectSystemAttributes(m, systemNames);
                if (system.Count > 0)
                {
                    Map(j, "Attributes", system);
                }

                var attributes = m.MessageAttributes
                    .Where(a => Selected(a.Key, attributeNames))
                    .ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
                if (attributes.Count > 0)
                {
                    j.WriteString("MD5OfMessageAttributes", SqsHashes.MessageAttributes(attributes));
                    j.WriteStartObject("MessageAttributes");
                    foreach (var (name, attribute) in attributes)
                    {
                        j.WriteStartObject(name);
                        j.WriteString("DataType", attribute.DataType);
                        if (attribute.StringValue is not null)
                        {
                            j.WriteString("StringValue", attribute.StringValue);
                        }

                        if (attribute.BinaryValue is not null)
                        {
                            j.WriteString("BinaryValue", attribute.BinaryValue);
                        }

                        j.WriteEndObject();
                    }

                    j.WriteEndObject();
                }

                j.WriteEndObject();
            }

            j.WriteEndArray();
        });
    }

    private static Dictionary<string, string> SelectSystemAttributes(ReceivedMessage m, IReadOnlyList<string> names)
    {
        var all = names.Contains("All");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in SystemAttributes.Where(n => all || names.Contains(n)))
        {
            result[name] = name switch
            {
                "SenderId" => m.SenderId,
                "SentTimestamp" => Millis(m.SentTimestamp),
                "ApproximateReceiveCount" => m.ReceiveCount.ToString(CultureInfo.InvariantCulture),
                _ => Millis(m.FirstReceiveTimestamp),
            };
        }

        return result;
    }

    private static bool Selected(string attribute, IReadOnlyList<string> names) => names.Any(n =>
        n is "All" or ".*"
        || n == attribute
        || (n.EndsWith(".*", StringComparison.Ordinal) && attribute.StartsWith(n[..^1], StringComparison.Ordinal)));

    private static string Millis(DateTimeOffset t) => t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static void Object(Utf8JsonWriter json, Action<Utf8JsonWriter> body)
    {
        json.WriteStartObject();
        body(json);
        json.WriteEndObject();
    }

    public static void Map(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> map)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

    /// <summary>A batch response <c>Failed</c> list.</summary>
    public static void Failed(Utf8JsonWriter json, IEnumerable<(string Id, SqsException Error)> failed)
    {
        json.WriteStartArray("Failed");
        foreach (var (id, error) in failed)
        {
            json.WriteStartObject();
            json.WriteString("Id", id);
            json.WriteBoolean("SenderFault", error.SenderFault);
            json.WriteString("Code", error.QueryCode?.Split('.')[^1] ?? error.Type.Split('#')[^1]);
            json.WriteString("Message", error.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
