using System.Globalization;
using System.Text;
using System.Xml;
using StatefulSpot.Emulator.Core;

namespace StatefulSpot.Emulator.Ec2.Xml;

/// <summary>
/// Writes EC2 Query responses: <c>&lt;{Action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"&gt;</c> with
/// <c>&lt;requestId&gt;</c> first, lowerCamel element names, lists as <c>&lt;xxxSet&gt;&lt;item&gt;</c>, booleans lowercase,
/// timestamps <c>2025-01-01T12:00:00.000Z</c>. A null string value omits its element.
/// </summary>
internal sealed class Ec2XmlWriter : IDisposable
{
    public const string Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(false),
        Indent = false,
        OmitXmlDeclaration = false,
    };

    private readonly PooledBufferStream _buffer = new();
    private readonly XmlWriter _writer;

    private Ec2XmlWriter()
    {
        _writer = XmlWriter.Create(_buffer, Settings);
    }

    /// <summary>Starts <c>&lt;{action}Response&gt;</c> with its <c>requestId</c>.</summary>
    public static Ec2XmlWriter ForResponse(string action, string requestId)
    {
        var xml = new Ec2XmlWriter();
        xml._writer.WriteStartDocument();
        xml._writer.WriteStartElement(action + "Response", Namespace);
        xml.Element("requestId", requestId);
        return xml;
    }

    /// <summary>The EC2 error envelope (no namespace, <c>RequestID</c> with capital ID).</summary>
    public static byte[] Error(string code, string message, string requestId)
    {
        using var xml = new Ec2XmlWriter();
        var w = xml._writer;
        w.WriteStartDocument();
        w.WriteStartElement("Response");
        w.WriteStartElement("Errors");
        w.WriteStartElement("Error");
        w.WriteElementString("Code", code);
        w.WriteElementString("Message", message);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteElementString("RequestID", requestId);
        w.WriteEndElement();
        return xml.Finish();
    }

    public void Element(string name, string? value)
    {
        if (value is not null)
        {
            _writer.WriteElementString(name, Namespace, value);
        }
    }

    /// <summary>The text of a list item of plain values (<c>&lt;item&gt;value&lt;/item&gt;</c>).</summary>
    public void Value(string value) => _writer.WriteString(value);

    public void Element(string name, bool value) => Element(name, value ? "true" : "false");

    public void Element(string name, int value) => Element(name, value.ToString(CultureInfo.InvariantCulture));

    public void Element(string name, int? value)
    {
        if (value is { } v)
        {
            Element(name, v);
        }
    }

    public void Element(string name, DateTimeOffset value) => Element(name, Timestamp(value));

    /// <summary>An empty element such as <c>&lt;dnsName/&gt;</c>.</summary>
    public void Empty(string name)
    {
        _writer.WriteStartElement(name, Namespace);
        _writer.WriteEndElement();
    }

    /// <summary>A structure: <c>&lt;name&gt;…&lt;/name&gt;</c>.</summary>
    public void Struct(string name, Action body)
    {
        _writer.WriteStartElement(name, Namespace);
        body();
        _writer.WriteEndElement();
    }

    /// <summary>A list: <c>&lt;name&gt;&lt;item&gt;…&lt;/item&gt;…&lt;/name&gt;</c> (<c>&lt;name/&gt;</c> when empty).</summary>
    public void Items<T>(string name, IEnumerable<T> items, Action<T> item)
    {
        _writer.WriteStartElement(name, Namespace);
        foreach (var i in items)
        {
            _writer.WriteStartElement("item", Namespace);
            item(i);
            _writer.WriteEndElement();
        }

        _writer.WriteEndElement();
    }

    public void Tags(IReadOnlyDictionary<string, string> tags) => Items("tagSet", tags, t =>
    {
        Element("key", t.Key);
        Element("value", t.Value);
    });

    public byte[] Finish() => End().ToArray();

    /// <summary>Ends the document; the bytes stay in the writer's pooled buffer until it is disposed.</summary>
    public ReadOnlyMemory<byte> End()
    {
        _writer.WriteEndDocument();
        _writer.Flush();
        return _buffer.Written;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _buffer.Dispose();
    }

    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
