using System.Text;
using System.Text.Json;
using System.Xml;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>
/// Writes SQS Query responses from the JSON 1.0 body the operation produced:
/// <c>&lt;{Action}Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/"&gt;&lt;{Action}Result&gt;…&lt;/{Action}Result&gt;
/// &lt;ResponseMetadata&gt;&lt;RequestId&gt;…</c>. Lists and maps are flattened as the Query protocol has them
/// (<c>QueueUrls</c> → repeated <c>QueueUrl</c>, <c>Messages</c> → <c>Message</c>, <c>Attributes</c> →
/// <c>Attribute</c> with <c>Name</c>/<c>Value</c>, <c>Successful</c> → <c>{Action}ResultEntry</c>, <c>Failed</c> →
/// <c>BatchResultErrorEntry</c>). Errors use <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type/&gt;&lt;Code/&gt;&lt;Message/&gt;</c>.
/// </summary>
internal static class SqsQueryXml
{
    public const string Namespace = "http://queue.amazonaws.com/doc/2012-11-05/";

    /// <summary>Operations without output: their response has no <c>{Action}Result</c> element.</summary>
    private static readonly HashSet<string> NoResult = new(StringComparer.Ordinal)
    {
        "DeleteQueue", "PurgeQueue", "SetQueueAttributes", "DeleteMessage", "ChangeMessageVisibility",
    };

    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = false };

    public static byte[] Response(string action, JsonElement result, string requestId) => Write(w =>
    {
        w.WriteStartElement(action + "Response", Namespace);
        if (!NoResult.Contains(action))
        {
            w.WriteStartElement(action + "Result", Namespace);
            if (result.ValueKind == JsonValueKind.Object)
            {
                Members(w, action, result);
            }

            w.WriteEndElement();
        }

        w.WriteStartElement("ResponseMetadata", Namespace);
        w.WriteElementString("RequestId", Namespace, requestId);
        w.WriteEndElement();
        w.WriteEndElement();
    });

    public static byte[] Error(SqsException error, string requestId) => Write(w =>
    {
        w.WriteStartElement("ErrorResponse", Namespace);
        w.WriteStartElement("Error", Namespace);
        w.WriteElementString("Type", Namespace, error.SenderFault ? "Sender" : "Receiver");
        w.WriteElementString("Code", Namespace, Code(error));
        w.WriteElementString("Message", Namespace, error.Message);
        w.WriteStartElement("Detail", Namespace);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteElementString("RequestId", Namespace, requestId);
        w.WriteEndElement();
    });

    /// <summary>The Query error code: the <c>x-amzn-query-error</c> code where there is one, else the JSON type's name.</summary>
    public static string Code(SqsException error) => error.QueryCode ?? error.Type.Split('#')[^1];

    private static void Members(XmlWriter w, string action, JsonElement structure)
    {
        foreach (var member in structure.EnumerateObject())
        {
            var value = member.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.Array:
                    var itemName = member.Name switch
                    {
                        "QueueUrls" => "QueueUrl",
                        "Messages" => "Message",
                        "Successful" => action + "ResultEntry",
                        "Failed" => "BatchResultErrorEntry",
                        var other => other,
                    };
                    foreach (var item in value.EnumerateArray())
                    {
                        Element(w, action, itemName, item);
                    }

                    break;
                case JsonValueKind.Object when member.Name is "Attributes" or "MessageAttributes" or "tags" or "Tags":
                    var (entryName, keyName) = member.Name switch
                    {
                        "Attributes" => ("Attribute", "Name"),
                        "MessageAttributes" => ("MessageAttribute", "Name"),
                        _ => ("Tag", "Key"),
                    };
                    foreach (var entry in value.EnumerateObject())
                    {
                        w.WriteStartElement(entryName, Namespace);
                        w.WriteElementString(keyName, Namespace, entry.Name);
                        Element(w, action, "Value", entry.Value);
                        w.WriteEndElement();
                    }

                    break;
                default:
                    Element(w, action, member.Name, value);
                    break;
            }
        }
    }

    private static void Element(XmlWriter w, string action, string name, JsonElement value)
    {
        w.WriteStartElement(name, Namespace);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                Members(w, action, value);
                break;
            case JsonValueKind.String:
                w.WriteString(value.GetString());
                break;
            case JsonValueKind.True:
                w.WriteString("true");
                break;
            case JsonValueKind.False:
                w.WriteString("false");
                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                break;
            default:
                w.WriteString(value.GetRawText());
                break;
        }

        w.WriteEndElement();
    }

    private static byte[] Write(Action<XmlWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = XmlWriter.Create(buffer, Settings))
        {
            w.WriteStartDocument();
            body(w);
            w.WriteEndDocument();
        }

        return buffer.ToArray();
    }
}
