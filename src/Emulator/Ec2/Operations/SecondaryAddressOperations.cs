using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>AssignPrivateIpAddresses' parameters: explicit addresses or a count, not both.</summary>
internal sealed record AssignPrivateAddressesArgs(
    string NetworkInterfaceId, IReadOnlyList<string> PrivateIpAddresses, int? SecondaryPrivateIpAddressCount, bool AllowReassignment);

/// <summary>
/// Secondary private IPv4 addresses of network interfaces. An address lies in the interface's subnet and is held by
/// one interface at a time; AssignPrivateIpAddresses with <c>AllowReassignment</c> moves a secondary address from the
/// interface holding it, never a primary one. An interface attached to an instance holds at most the instance type's
/// <see cref="InstanceTypeSpec.Ipv4AddressesPerInterface"/>, its primary included. A deleted interface frees its
/// addresses with it.
/// </summary>
internal sealed class SecondaryAddressOperations(Ec2Context ctx)
{
    /// <summary>
    /// Assigns the addresses (moving held ones with <see cref="AssignPrivateAddressesArgs.AllowReassignment"/>; one the
    /// interface already holds stays) and returns them in the order asked or chosen. All or nothing: a refused address
    /// changes nothing.
    /// </summary>
    public IReadOnlyList<string> Assign(EmulatorState state, AssignPrivateAddressesArgs args)
    {
        var eni = ctx.Lookup.NetworkInterface(state, args.NetworkInterfaceId);
        var subnet = ctx.RequireSubnet(eni.SubnetId);
        if (args.PrivateIpAddresses.Count > 0 && args.SecondaryPrivateIpAddressCount is not null)
        {
            throw Ec2Errors.InvalidParameterCombination("Specify either PrivateIpAddress or SecondaryPrivateIpAddressCount, not both.");
        }

        if (args.SecondaryPrivateIpAddressCount is { } count)
        {
            if (count < 1)
            {
                throw Ec2Errors.InvalidParameterValue($"Value ({count}) for parameter secondaryPrivateIpAddressCount is invalid. Expected a positive number.");
            }

            RequireWithinLimit(state, eni, count);
            var chosen = PrivateAddresses.Free(state.Ec2, subnet, count, "secondary private IP addresses");
            eni.SecondaryPrivateIpAddresses.AddRange(chosen);
            return chosen;
        }

        if (args.PrivateIpAddresses.Count == 0)
        {
            throw Ec2Errors.MissingParameter("PrivateIpAddress or SecondaryPrivateIpAddressCount");
        }

        var requested = args.PrivateIpAddresses.Select(a => PrivateAddresses.Validate(subnet, a)).Distinct(StringComparer.Ordinal).ToList();
        var holders = requested.ToDictionary(a => a, a => PrivateAddresses.Holder(state.Ec2, subnet, a), StringComparer.Ordinal);
        var held = requested.Where(a => holders[a] is not null).ToList();
        if (held.Count > 0 && !args.AllowReassignment)
        {
            throw Ec2Errors.AddressMoveNotAllowed(held);
        }

        foreach (var address in held)
        {
            if (holders[address]!.PrivateIpAddress == address)
            {
                throw Ec2Errors.PrimaryAddressNotMovable(address, holders[address]!.NetworkInterfaceId);
            }
        }

        var moving = requested.Where(a => holders[a] != eni).ToList();
        RequireWithinLimit(state, eni, moving.Count);
        foreach (var address in moving)
        {
            holders[address]?.SecondaryPrivateIpAddresses.Remove(address);
            eni.SecondaryPrivateIpAddresses.Add(address);
        }

        return requested;
    }

    /// <summary>Unassigns secondary addresses; the primary and addresses the interface does not hold are refused, and nothing changes.</summary>
    public void Unassign(EmulatorState state, string eniId, IReadOnlyList<string> addresses)
    {
        var eni = ctx.Lookup.NetworkInterface(state, eniId);
        if (addresses.Count == 0)
        {
            throw Ec2Errors.MissingParameter("PrivateIpAddress");
        }

        if (addresses.FirstOrDefault(a => a == eni.PrivateIpAddress) is { } primary)
        {
            throw Ec2Errors.PrimaryAddressNotUnassignable(primary);
        }

        if (!addresses.All(eni.SecondaryPrivateIpAddresses.Contains))
        {
            throw Ec2Errors.AddressesNotAssigned(eni.NetworkInterfaceId);
        }

        eni.SecondaryPrivateIpAddresses.RemoveAll(addresses.Contains);
    }

    /// <summary>An attached interface may hold the instance type's IPv4 addresses per interface; an unattached one is not limited here.</summary>
    private void RequireWithinLimit(EmulatorState state, NetworkInterface eni, int adding)
    {
        if (eni.Attachment is not { } attachment || !state.Ec2.Instances.TryGetValue(attachment.InstanceId, out var instance))
        {
            return;
        }

        var limit = ctx.Catalog.FindInstanceType(instance.InstanceType)?.Ipv4AddressesPerInterface ?? InstanceTypeSpec.DefaultIpv4AddressesPerInterface;
        if (1 + eni.SecondaryPrivateIpAddresses.Count + adding > limit)
        {
            throw Ec2Errors.PrivateAddressLimitExceeded(eni.NetworkInterfaceId);
        }
    }
}
