using System.Net;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>IPv4 arithmetic on subnet CIDRs; pure.</summary>
public static class SubnetAddresses
{
    /// <summary>
    /// Whether <paramref name="address"/> can be given to an ENI in a subnet of <paramref name="cidr"/>: inside it, and
    /// not one of the four first or the last address, which AWS reserves.
    /// </summary>
    public static bool IsAssignable(string? cidr, string address)
    {
        if (!TryParse(cidr, out var network, out var prefix) || !IPAddress.TryParse(address, out var ip)
            || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return false;
        }

        var size = 1u << (32 - prefix);
        var value = ToUInt32(ip);
        return value >= network + 4 && value < network + size - 1;
    }

    private static bool TryParse(string? cidr, out uint network, out int prefix)
    {
        network = 0;
        prefix = 0;
        var parts = cidr?.Split('/');
        if (parts is not { Length: 2 } || !IPAddress.TryParse(parts[0], out var address)
            || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix is < 16 or > 28)
        {
            return false;
        }

        var mask = uint.MaxValue << (32 - prefix);
        network = ToUInt32(address) & mask;
        return true;
    }

    private static uint ToUInt32(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
    }
}
