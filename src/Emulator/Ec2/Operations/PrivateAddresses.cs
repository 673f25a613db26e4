using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>
/// Private IPv4 addresses of a subnet: an address is taken while any network interface holds it, as its primary or as
/// a secondary address.
/// </summary>
internal static class PrivateAddresses
{
    public static int UsedCount(Ec2State state, string subnetId) =>
        state.NetworkInterfaces.Values.Where(n => n.SubnetId == subnetId).Sum(n => 1 + n.SecondaryPrivateIpAddresses.Count);

    /// <summary>The requested address if valid and free, else the lowest free one.</summary>
    public static string Choose(Ec2State state, SubnetInfo subnet, string? requested) =>
        requested is null ? Free(state, subnet, 1)[0] : Claim(state, subnet, requested);

    /// <summary>Checks an explicit address: inside the CIDR, not reserved, free.</summary>
    public static string Claim(Ec2State state, SubnetInfo subnet, string requested)
    {
        var text = Validate(subnet, requested);
        return Taken(state, subnet).Contains(text) ? throw Ec2Errors.AddressInUse() : text;
    }

    /// <summary>An address the subnet can hand out (inside its CIDR, not one of the reserved five), in canonical form.</summary>
    public static string Validate(SubnetInfo subnet, string requested)
    {
        if (!Ipv4Cidr.TryParseAddress(requested, out var address))
        {
            throw Ec2Errors.InvalidValue(requested, "PrivateIpAddress");
        }

        if (!subnet.Cidr.Contains(address))
        {
            throw Ec2Errors.InvalidParameterValue($"Address {requested} does not fall within the subnet's address range");
        }

        if (subnet.Cidr.IsReserved(address))
        {
            throw Ec2Errors.InvalidParameterValue($"Address {requested} is in subnet's reserved address range");
        }

        return Ipv4Cidr.Format(address);
    }

    /// <summary>The interface of the subnet that holds <paramref name="address"/> (primary or secondary), if any.</summary>
    public static NetworkInterface? Holder(Ec2State state, SubnetInfo subnet, string address) =>
        state.NetworkInterfaces.Values.FirstOrDefault(n => n.SubnetId == subnet.SubnetId && n.PrivateIpAddresses.Contains(address, StringComparer.Ordinal));

    /// <summary>The <paramref name="count"/> lowest free addresses, else <c>InsufficientFreeAddressesInSubnet</c> (for the requested number of <paramref name="what"/>).</summary>
    public static IReadOnlyList<string> Free(Ec2State state, SubnetInfo subnet, int count, string what = "instances")
    {
        var taken = Taken(state, subnet);
        var free = new List<string>(count);
        foreach (var address in subnet.Cidr.UsableAddresses())
        {
            var text = Ipv4Cidr.Format(address);
            if (!taken.Contains(text))
            {
                free.Add(text);
                if (free.Count == count)
                {
                    return free;
                }
            }
        }

        throw new Ec2Exception("InsufficientFreeAddressesInSubnet",
            $"There are not enough free addresses in subnet '{subnet.SubnetId}' to satisfy the requested number of {what}.");
    }

    private static HashSet<string> Taken(Ec2State state, SubnetInfo subnet) =>
        state.NetworkInterfaces.Values.Where(n => n.SubnetId == subnet.SubnetId).SelectMany(n => n.PrivateIpAddresses).ToHashSet(StringComparer.Ordinal);
}
