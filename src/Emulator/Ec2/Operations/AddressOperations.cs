using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Ec2.Query;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>AssociateAddress's parameters.</summary>
internal sealed record AssociateAddressArgs(
    string? AllocationId, string? PublicIp, string? InstanceId, string? NetworkInterfaceId, string? PrivateIpAddress, bool AllowReassociation);

/// <summary>
/// Elastic IPs (VPC): allocate up to the world's limit, associate with an instance (its primary interface) or an
/// interface (its primary private IP: the emulator does not bind Elastic IPs to secondary addresses), disassociate,
/// release. An association binds the address to the interface, so it survives the instance when the interface does.
/// </summary>
internal sealed class AddressOperations(Ec2Context ctx)
{
    public static FilterFields<(ElasticAddress Address, string? InstanceId)> Filters { get; } =
        new FilterFields<(ElasticAddress Address, string? InstanceId)>(a => a.Address.Tags)
            .Add("allocation-id", a => a.Address.AllocationId)
            .Add("association-id", a => a.Address.AssociationId)
            .Add("public-ip", a => a.Address.PublicIp)
            .Add("domain", _ => "vpc")
            .Add("instance-id", a => a.InstanceId)
            .Add("network-interface-id", a => a.Address.NetworkInterfaceId)
            .Add("private-ip-address", a => a.Address.PrivateIpAddress);

    public ElasticAddress Allocate(EmulatorState state, string? domain, Dictionary<string, string> tags)
    {
        if (domain is not (null or "vpc"))
        {
            throw Ec2Errors.InvalidValue(domain, "Domain");
        }

        if (state.Ec2.Addresses.Count >= ctx.Catalog.ElasticIpLimit)
        {
            throw Ec2Errors.AddressLimitExceeded();
        }

        var taken = state.Ec2.Addresses.Values.Select(a => a.PublicIp).ToHashSet(StringComparer.Ordinal);
        var publicIp = ctx.Catalog.PublicCidr.UsableAddresses().Select(Ipv4Cidr.Format).FirstOrDefault(ip => !taken.Contains(ip))
            ?? throw Ec2Errors.Injected("InsufficientAddressCapacity", null, null);
        var address = new ElasticAddress
        {
            AllocationId = ResourceIds.New("eipalloc"),
            Sequence = state.Ec2.NextSequence(),
            PublicIp = publicIp,
            AllocationTime = ctx.Now,
            Tags = tags,
        };
        state.Ec2.Addresses[address.AllocationId] = address;
        return address;
    }

    /// <summary>AssociateAddress; re-associating with the same interface and IP returns the existing association.</summary>
    public ElasticAddress Associate(EmulatorState state, AssociateAddressArgs args)
    {
        var address = Resolve(state, args.AllocationId, args.PublicIp);
        if ((args.InstanceId is null) == (args.NetworkInterfaceId is null))
        {
            throw args.InstanceId is null
                ? Ec2Errors.MissingParameter("InstanceId or NetworkInterfaceId")
                : Ec2Errors.InvalidParameterCombination("Specify either an instance ID or a network interface ID, not both.");
        }

        var eni = args.InstanceId is { } instanceId ? PrimaryInterfaceOf(state, instanceId) : ctx.Lookup.NetworkInterface(state, args.NetworkInterfaceId!);
        var privateIp = args.PrivateIpAddress ?? eni.PrivateIpAddress;
        if (eni.SecondaryPrivateIpAddresses.Contains(privateIp))
        {
            throw Ec2Errors.UnsupportedOperation($"The emulator associates Elastic IPs with primary private IP addresses only; {privateIp} is a secondary address of {eni.NetworkInterfaceId}.");
        }

        if (privateIp != eni.PrivateIpAddress)
        {
            throw Ec2Errors.InvalidParameterValue($"The private IP address {privateIp} is not assigned to network interface {eni.NetworkInterfaceId}");
        }

        if (address.NetworkInterfaceId == eni.NetworkInterfaceId && address.PrivateIpAddress == privateIp)
        {
            return address;
        }

        if (address.AssociationId is { } existing && !args.AllowReassociation)
        {
            throw Ec2Errors.AlreadyAssociated(address.AllocationId, existing);
        }

        if (state.Ec2.AddressOf(eni.NetworkInterfaceId) is { } other && other != address)
        {
            Disassociate(other);
        }

        address.AssociationId = ResourceIds.New("eipassoc");
        address.NetworkInterfaceId = eni.NetworkInterfaceId;
        address.PrivateIpAddress = privateIp;
        return address;
    }

    public void Disassociate(EmulatorState state, string? associationId, string? publicIp)
    {
        var address = associationId is not null
            ? state.Ec2.Addresses.Values.FirstOrDefault(a => a.AssociationId == associationId) ?? throw Ec2Errors.AssociationNotFound(associationId)
            : Resolve(state, null, publicIp ?? throw Ec2Errors.MissingParameter("AssociationId"));
        Disassociate(address);
    }

    public void Release(EmulatorState state, string? allocationId, string? publicIp)
    {
        var address = Resolve(state, allocationId, publicIp);
        if (address.AssociationId is not null)
        {
            throw new Ec2Exception("InvalidIPAddress.InUse", $"Address {address.PublicIp} is in use.");
        }

        state.Ec2.Addresses.Remove(address.AllocationId);
    }

    public IReadOnlyList<(ElasticAddress Address, string? InstanceId)> Describe(
        EmulatorState state, IReadOnlyList<string> allocationIds, IReadOnlyList<string> publicIps, IReadOnlyList<Ec2Filter> filters)
    {
        var matches = Filters.Compile(filters);
        var candidates = allocationIds.Select(id => ctx.Lookup.Address(state, id))
            .Concat(publicIps.Select(ip => Resolve(state, null, ip)))
            .Distinct()
            .ToList();
        if (allocationIds.Count == 0 && publicIps.Count == 0)
        {
            candidates = [.. state.Ec2.Addresses.Values.Where(ctx.Lookup.IsVisible)];
        }

        return candidates.OrderBy(a => a.Sequence).Select(a => (a, InstanceOf(state, a))).Where(matches).ToList();
    }

    /// <summary>The instance whose interface holds the address, if any.</summary>
    public static string? InstanceOf(EmulatorState state, ElasticAddress address) =>
        address.NetworkInterfaceId is { } eniId ? state.Ec2.NetworkInterfaces.GetValueOrDefault(eniId)?.Attachment?.InstanceId : null;

    public static void Disassociate(ElasticAddress address)
    {
        address.AssociationId = null;
        address.NetworkInterfaceId = null;
        address.PrivateIpAddress = null;
    }

    private NetworkInterface PrimaryInterfaceOf(EmulatorState state, string instanceId)
    {
        var instance = ctx.Lookup.Instance(state, instanceId);
        if (instance.State is not (InstanceStateName.Running or InstanceStateName.Stopped or InstanceStateName.Stopping))
        {
            throw Ec2Errors.InstanceNotValidForAddress(instanceId, instance.State.ToWire());
        }

        return state.Ec2.PrimaryInterfaceOf(instanceId) ?? throw Ec2Errors.InstanceNotValidForAddress(instanceId, instance.State.ToWire());
    }

    private ElasticAddress Resolve(EmulatorState state, string? allocationId, string? publicIp)
    {
        if (allocationId is not null)
        {
            return ctx.Lookup.Address(state, allocationId);
        }

        if (publicIp is null)
        {
            throw Ec2Errors.MissingParameter("AllocationId");
        }

        return state.Ec2.Addresses.Values.FirstOrDefault(a => a.PublicIp == publicIp && ctx.Lookup.IsVisible(a))
            ?? throw new Ec2Exception("InvalidAddress.NotFound", $"Address '{publicIp}' not found.");
    }
}
