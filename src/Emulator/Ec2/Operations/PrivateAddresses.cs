using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>Private IPv4 addresses of a subnet: an address is taken while any network interface holds it.</summary>
internal static class PrivateAddresses
{
    public static int UsedCount(Ec2State state, string subnetId) => state.NetworkInterfaces.Values.Count(n => n.SubnetId == subnetId);

    /// <summary>The requested address if valid and free, else the lowest free one.</summary>
    public static string Choose(Ec2State state, SubnetInfo subnet, string? requested) =>
        requested is null ? NextFree(state, subnet) : Claim(state, subnet, requested);

    /// <summary>Checks an explicit address: inside the CIDR, not reserved, free.</summary>
    public static string Claim(Ec2State state, SubnetInfo subnet, string requested)
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

        var text = Ipv4Cidr.Format(address);
        return Taken(state, subnet).Contains(text) ? throw Ec2Errors.AddressInUse() : text;
    }

    private static string NextFree(Ec2State state, SubnetInfo subnet)
    {
        var taken = Taken(state, subnet);
        foreach (var address in subnet.Cidr.UsableAddresses())
        {
            var text = Ipv4Cidr.Format(address);
            if (!taken.Contains(text))
            {
                return text;
            }
        }

        throw new Ec2Exception("InsufficientFreeAddressesInSubnet",
            $"There are not enough free addresses in subnet '{subnet.SubnetId}' to satisfy the requested number of instances.");
    }

    private static HashSet<string> Taken(Ec2State state, SubnetInfo subnet) =>
        state.NetworkInterfaces.Values.Where(n => n.SubnetId == subnet.SubnetId).Select(n => n.PrivateIpAddress).ToHashSet(StringComparer.Ordinal);
}
