using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>
/// Turns an SQS Query request (form-encoded <c>Action=SendMessage&amp;QueueUrl=…&amp;MessageAttribute.1.Name=…</c>) into
/// the body the same operation has in SQS JSON 1.0, so both protocols run the same operations:
/// <c>Attribute.N.Name/Value</c> → <c>Attributes</c>, <c>Tag.N.Key/Value</c> → <c>tags</c>,
/// <c>MessageAttribute.N.Name/Value.*</c> → <c>MessageAttributes</c>, <c>XName.N</c> → <c>XNames</c> arrays,
/// <c>…BatchRequestEntry.N.*</c> → <c>Entries</c>; other members keep their name (numbers stay strings, which the JSON
/// reader accepts).
/// </summary>
internal static class SqsQueryRequest
{
    private static readonly Dictionary<string, string> NameLists = new(StringComparer.Ordinal)
    {
        ["AttributeName"] = "AttributeNames",
        ["MessageAttributeName"] = "MessageAttributeNames",
        ["MessageSystemAttributeName"] = "MessageSystemAttributeNames",
        ["TagKey"] = "TagKeys",
    };

    public static JsonDocument ToJson(IFormCollection form, string? pathQueueUrl)
    {
        var root = new Node();
        foreach (var (key, values) in form)
        {
            if (key is "Action" or "Version")
            {
                continue;
            }

            var node = root;
            foreach (var segment in key.Split('.'))
            {
                node = node.Child(segment);
            }

            node.Value = values.ToString();
        }

        if (pathQueueUrl is not null && !root.Children.ContainsKey("QueueUrl"))
        {
            root.Child("QueueUrl").Value = pathQueueUrl;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteStructure(json, root);
        }

        return JsonDocument.Parse(buffer.ToArray());
    }

    private static void WriteStructure(Utf8JsonWriter json, Node node)
    {
        json.WriteStartObject();
        foreach (var (name, child) in node.Children)
        {
            if (child.Value is { } value && child.Children.Count == 0)
            {
                json.WriteString(name, value);
            }
            else if (NameLists.TryGetValue(name, out var listName))
            {
                json.WriteStartArray(listName);
                foreach (var item in Items(child))
                {
                    json.WriteStringValue(item.Value ?? "");
                }

                json.WriteEndArray();
            }
            else if (name is "Attribute" or "Tag" or "MessageAttribute" or "MessageSystemAttribute")
            {
                var (mapName, keyMember) = name switch
                {
                    "Attribute" => ("Attributes", "Name"),
                    "Tag" => ("tags", "Key"),
                    "MessageAttribute" => ("MessageAttributes", "Name"),
                    _ => ("MessageSystemAttributes", "Name"),
                };
                json.WriteStartObject(mapName);
                foreach (var item in Items(child))
                {
                    var key = item.Children.GetValueOrDefault(keyMember)?.Value ?? "";
                    var entry = item.Children.GetValueOrDefault("Value");
                    json.WritePropertyName(key);
                    if (entry is null)
                    {
                        json.WriteStringValue("");
                    }
                    else if (entry.Children.Count == 0)
                    {
                        json.WriteStringValue(entry.Value ?? "");
                    }
                    else
                    {
                        WriteStructure(json, entry);
                    }
                }

                json.WriteEndObject();
            }
            else if (name.EndsWith("BatchRequestEntry", StringComparison.Ordinal))
            {
                json.WriteStartArray("Entries");
                foreach (var item in Items(child))
                {
                    WriteStructure(json, item);
                }

                json.WriteEndArray();
            }
            else
            {
                json.WritePropertyName(name);
                WriteStructure(json, child);
            }
        }

        json.WriteEndObject();
    }

    /// <summary>The members <c>.1</c>, <c>.2</c>, … of a list in index order (other keys ignored).</summary>
    private static IEnumerable<Node> Items(Node list) => list.Children
        .Select(c => (Index: int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1, Node: c.Value))
        .Where(c => c.Index >= 0)
        .OrderBy(c => c.Index)
        .Select(c => c.Node);

    private sealed class Node
    {
        public Dictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);

        public string? Value { get; set; }

        public Node Child(string name)
        {
            if (!Children.TryGetValue(name, out var child))
            {
                Children[name] = child = new Node();
            }

            return child;
        }
    }
}
