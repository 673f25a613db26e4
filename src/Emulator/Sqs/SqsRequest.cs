using System.Globalization;
using System.Text.Json;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>Typed access to an SQS JSON 1.0 request body (all members optional on the wire).</summary>
internal readonly struct SqsRequest(JsonElement root)
{
    public JsonElement Root => root;

    public string? String(string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public string RequiredString(string name)
    {
        var value = String(name);
        return string.IsNullOrEmpty(value) ? throw SqsErrors.MissingParameter(name) : value;
    }

    public int? Int(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String
            && int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        throw SqsErrors.InvalidParameterValue($"Value {value.GetRawText()} for parameter {name} is invalid.");
    }

    public IReadOnlyList<string> StringList(string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];

    public IReadOnlyDictionary<string, string> StringMap(string name)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                result[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : property.Value.GetRawText();
            }
        }

        return result;
    }

    public IReadOnlyList<SqsRequest> Entries(string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(e => new SqsRequest(e)).ToList()
            : [];

    /// <summary><c>"MessageAttributes": {"name": {"DataType": "String", "StringValue": "x"}}</c>.</summary>
    public IReadOnlyDictionary<string, SqsMessageAttribute> MessageAttributes()
    {
        var result = new Dictionary<string, SqsMessageAttribute>(StringComparer.Ordinal);
        if (root.TryGetProperty("MessageAttributes", out var value) && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                var attribute = new SqsRequest(property.Value);
                result[property.Name] = new SqsMessageAttribute(
                    attribute.String("DataType") ?? "", attribute.String("StringValue"), attribute.String("BinaryValue"));
            }
        }

        return result;
    }
}
