using System.Buffers;
using System.Net.Http.Headers;
using System.Text;

namespace StatefulSpot.Emulator.Bench;

/// <summary>
/// EC2 Query posts without the SDK: the body is read into a pooled buffer and only scanned for an element that occurs
/// once per item and for the NextToken. A failed call throws, as the SDK would.
/// </summary>
internal sealed class RawEc2Client(HttpClient http)
{
    private static readonly byte[] NextTokenOpen = "<nextToken>"u8.ToArray();
    private static readonly byte[] NextTokenClose = "</nextToken>"u8.ToArray();

    public static string List(string name, IReadOnlyList<string> values) =>
        string.Join("&", values.Select((v, i) => $"{name}.{i + 1}={Uri.EscapeDataString(v)}"));

    public async Task<(int Items, string? NextToken)> DescribeAsync(string action, string parameters, string itemMarker, CancellationToken ct)
    {
        using var content = new StringContent($"Action={action}&Version=2016-11-15&{parameters}", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var response = await http.PostAsync(new Uri("/", UriKind.Relative), content, ct).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            var length = 0;
            await using (var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false))
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }
            }

            var xml = buffer.AsSpan(0, length);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{action} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(xml)}");
            }

            return (Count(xml, Encoding.UTF8.GetBytes(itemMarker)), NextToken(xml));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Count(ReadOnlySpan<byte> xml, ReadOnlySpan<byte> marker)
    {
        var count = 0;
        for (var at = xml.IndexOf(marker); at >= 0; at = xml.IndexOf(marker))
        {
            count++;
            xml = xml[(at + marker.Length)..];
        }

        return count;
    }

    private static string? NextToken(ReadOnlySpan<byte> xml)
    {
        var open = xml.LastIndexOf(NextTokenOpen);
        if (open < 0)
        {
            return null;
        }

        var rest = xml[(open + NextTokenOpen.Length)..];
        var close = rest.IndexOf(NextTokenClose);
        return close <= 0 ? null : Encoding.UTF8.GetString(rest[..close]);
    }
}
