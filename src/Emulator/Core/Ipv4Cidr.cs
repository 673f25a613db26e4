using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StatefulSpot.Emulator.Core;

/// <summary>An IPv4 CIDR block with the AWS subnet reservation rules (first four and last address reserved).</summary>
internal readonly record struct Ipv4Cidr(uint Network, int PrefixLength)
{
    public uint Size => PrefixLength == 0 ? uint.MaxValue : 1u << (32 - PrefixLength);

    public uint Last => Network + Size - 1;

    /// <summary>Addresses a subnet of this block can hand out (all but the 5 AWS reserves).</summary>
    public int UsableCount => (int)Size - 5;

    public static Ipv4Cidr Parse(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var address = ToUInt(IPAddress.Parse(cidr[..slash]));
        var prefix = int.Parse(cidr[(slash + 1)..], CultureInfo.InvariantCulture);
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return new Ipv4Cidr(address & mask, prefix);
    }

    public static bool TryParse(string? text, out Ipv4Cidr cidr)
    {
        cidr = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash < 0 || !TryParseAddress(text![..slash], out _)
            || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            return false;
        }

        cidr = Parse(text);
        return true;
    }

    public bool Contains(uint address) => address >= Network && address <= Last;

    public bool IsReserved(uint address) => address - Network < 4 || address == Last;

    public IEnumerable<uint> UsableAddresses()
    {
        for (var a = Network + 4; a < Last; a++)
        {
            yield return a;
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Format(Network)}/{PrefixLength}");

    public static bool TryParseAddress(string text, out uint address)
    {
        address = 0;
        if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork
            || text.Count(c => c == '.') != 3)
        {
            return false;
        }

        address = ToUInt(ip);
        return true;
    }

    public static string Format(uint address) => string.Create(CultureInfo.InvariantCulture,
        $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}");

    private static uint ToUInt(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }
}
