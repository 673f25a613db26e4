using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>The MD5 digests the SQS SDK validates (aws-wire.md 5.4), as lowercase hex.</summary>
internal static class SqsHashes
{
    public static string Body(string body) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body)));

    /// <summary>
    /// Attributes sorted by name; per attribute: length-prefixed name, length-prefixed data type, a transport byte
    /// (1 string / number, 2 binary) and the length-prefixed value.
    /// </summary>
    public static string MessageAttributes(IReadOnlyDictionary<string, SqsMessageAttribute> attributes)
    {
        using var buffer = new MemoryStream();
        foreach (var (name, attribute) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            WriteLengthPrefixed(buffer, Encoding.UTF8.GetBytes(name));
            WriteLengthPrefixed(buffer, Encoding.UTF8.GetBytes(attribute.DataType));
            if (attribute.BinaryValue is { } binary)
            {
                buffer.WriteByte(2);
                WriteLengthPrefixed(buffer, Convert.FromBase64String(binary));
            }
            else
            {
                buffer.WriteByte(1);
                WriteLengthPrefixed(buffer, Encoding.UTF8.GetBytes(attribute.StringValue ?? ""));
            }
        }

        return Convert.ToHexStringLower(MD5.HashData(buffer.ToArray()));
    }

    private static void WriteLengthPrefixed(MemoryStream buffer, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }
}
