using System.Globalization;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Ec2.Query;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>CreateNetworkInterface's parameters.</summary>
internal sealed record CreateNetworkInterfaceArgs(
    string? SubnetId, string? PrivateIpAddress, string? Description, IReadOnlyList<string> SecurityGroupIds,
    Dictionary<string, string> Tags, string? ClientToken, string Fingerprint);

/// <summary>
/// Network interface rules and state machine: <c>pending → available → in-use → available</c>; an interface created by
/// a launch is deleted with its instance, an existing one passed at launch returns to <c>available</c> at <c>terminated</c>.
/// </summary>
internal sealed class NetworkInterfaceOperations(Ec2Context ctx)
{
    public const string CreateAction = "CreateNetworkInterface";

    /// <summary>The <c>association.*</c> filters, evaluated on the Elastic IP bound to the interface.</summary>
    private static readonly FilterFields<ElasticAddress> AssociationFilters = new FilterFields<ElasticAddress>()
        .Add("association.public-ip", a => a.PublicIp)
        .Add("association.allocation-id", a => a.AllocationId)
        .Add("association.association-id", a => a.AssociationId);

    public static FilterFields<NetworkInterface> Filters { get; } = new FilterFields<NetworkInterface>(n => n.Tags)
        .Add("network-interface-id", n => n.NetworkInterfaceId)
        .Add("status", n => n.Status.ToWire())
        .Add("subnet-id", n => n.SubnetId)
        .Add("vpc-id", n => n.VpcId)
        .Add("availability-zone", n => n.AvailabilityZone)
        .AddMany("private-ip-address", n => n.PrivateIpAddresses)
        .AddMany("addresses.private-ip-address", n => n.PrivateIpAddresses)
        .Add("mac-address", n => n.MacAddress)
        .Add("description", n => n.Description)
        .Add("source-dest-check", n => n.SourceDestCheck ? "true" : "false")

        .AddMany("group-id", n => n.SecurityGroupIds)
        .Add("attachment.instance-id", n => n.Attachment?.InstanceId)
        .Add("attachment.attachment-id", n => n.Attachment?.AttachmentId)
        .Add("attachment.device-index", n => n.Attachment?.DeviceIndex.ToString(CultureInfo.InvariantCulture))
        .Add("attachment.status", n => n.Attachment?.State.ToWire())
        .Add("attachment.delete-on-termination", n => n.Attachment is { } a ? (a.DeleteOnTermination ? "true" : "false") : null);

    public NetworkInterface Create(EmulatorState state, CreateNetworkInterfaceArgs args)
    {
        if (ClientTokens.Replay(state.Ec2, CreateAction, args.ClientToken, args.Fingerprint) is { } replayed)
        {
            return state.Ec2.NetworkInterfaces.TryGetValue(replayed[0], out var original)
                ? original
                : throw Ec2Errors.NetworkInterfacesNotFound(replayed);
        }

        var subnet = ctx.RequireSubnet(args.SubnetId ?? throw Ec2Errors.MissingParameter("SubnetId"));
        ctx.Catalog.RequireSecurityGroups(args.SecurityGroupIds);
        var eni = New(state, subnet, args.PrivateIpAddress, args.Description, args.SecurityGroupIds, args.Tags, args.ClientToken);
        eni.Status = NetworkInterfaceStatus.Pending;
        state.Ec2.Add(eni);
        state.Timeline.Schedule(ctx.Now + ctx.Durations.NetworkInterfacePending, TransitionKind.NetworkInterfaceAvailable, eni.NetworkInterfaceId);
        ClientTokens.Record(state.Ec2, CreateAction, args.ClientToken, args.Fingerprint, [eni.NetworkInterfaceId]);
        return eni;
    }

    /// <summary>A new interface created by a launch, attached (attaching) to <paramref name="instance"/>.</summary>
    public NetworkInterface CreateForLaunch(
        EmulatorState state, Instance instance, SubnetInfo subnet, string? privateIp, int deviceIndex, bool deleteOnTermination,
        string? description, IReadOnlyList<string> securityGroupIds, Dictionary<string, string> tags)
    {
        var eni = New(state, subnet, privateIp, description, securityGroupIds, tags, clientToken: null);
        eni.Status = NetworkInterfaceStatus.InUse;
        eni.Attachment = NewAttachment(instance.InstanceId, deviceIndex, deleteOnTermination, instance.LaunchTime);
        state.Ec2.Add(eni);
        return eni;
    }

    /// <summary>Attaches an existing, available interface to a launching instance (never delete-on-termination).</summary>
    public static void AttachAtLaunch(EmulatorState state, NetworkInterface eni, Instance instance, int deviceIndex)
    {
        eni.Status = NetworkInterfaceStatus.InUse;
        state.Ec2.SetAttachment(eni, NewAttachment(instance.InstanceId, deviceIndex, deleteOnTermination: false, instance.LaunchTime));
    }

    public IReadOnlyList<NetworkInterface> Describe(EmulatorState state, IReadOnlyList<string> ids, IReadOnlyList<Ec2Filter> filters)
    {
        var addressFilters = filters.Where(f => f.Name.StartsWith("association.", StringComparison.Ordinal)).ToList();
        var matches = Filters.Compile(filters.Except(addressFilters).ToList());
        var candidates = ids.Count > 0 ? ctx.Lookup.NetworkInterfaces(state, ids) : state.Ec2.NetworkInterfaces.Values.Where(ctx.Lookup.IsVisible);
        var associated = AssociationFilters.Compile(addressFilters);
        return candidates
            .Where(n => matches(n) && (addressFilters.Count == 0 || (state.Ec2.AddressOf(n.NetworkInterfaceId) is { } a && associated(a))))
            .OrderBy(n => n.Sequence)
            .ToList();
    }

    public void Delete(EmulatorState state, string eniId)
    {
        var eni = ctx.Lookup.NetworkInterface(state, eniId);
        if (eni.Attachment is not null)
        {
            throw Ec2Errors.InterfaceInUse(eniId);
        }

        Remove(state, eni);
    }

    /// <summary>Timed: <c>pending → available</c>.</summary>
    public static void OnCreated(EmulatorState state, string eniId)
    {
        if (state.Ec2.NetworkInterfaces.TryGetValue(eniId, out var eni) && eni.Status == NetworkInterfaceStatus.Pending)
        {
            eni.Status = NetworkInterfaceStatus.Available;
        }
    }

    public static void OnInstanceRunning(EmulatorState state, string instanceId)
    {
        foreach (var eni in state.Ec2.InterfacesAttachedTo(instanceId))
        {
            if (eni.Attachment!.State == AttachmentState.Attaching)
            {
                eni.Attachment.State = AttachmentState.Attached;
            }
        }
    }

    /// <summary>At <c>terminated</c>: delete-on-termination interfaces are deleted, the others detach and become <c>available</c>.</summary>
    public static void ReleaseFromTerminated(EmulatorState state, string instanceId)
    {
        foreach (var eni in state.Ec2.InterfacesAttachedTo(instanceId).ToList())
        {
            if (eni.Attachment!.DeleteOnTermination)
            {
                Remove(state, eni);
            }
            else
            {
                state.Ec2.SetAttachment(eni, null);
                eni.Status = NetworkInterfaceStatus.Available;
            }
        }
    }

    /// <summary>Deletes an interface; an Elastic IP bound to it is disassociated.</summary>
    private static void Remove(EmulatorState state, NetworkInterface eni)
    {
        state.Ec2.Remove(eni);
        if (state.Ec2.AddressOf(eni.NetworkInterfaceId) is { } address)
        {
            AddressOperations.Disassociate(address);
        }
    }

    private NetworkInterface New(
        EmulatorState state, SubnetInfo subnet, string? privateIp, string? description, IReadOnlyList<string> securityGroupIds,
        Dictionary<string, string> tags, string? clientToken) => new()
        {
            NetworkInterfaceId = ResourceIds.New(ResourceIds.NetworkInterface),
            Sequence = state.Ec2.NextSequence(),
            SubnetId = subnet.SubnetId,
            VpcId = ctx.Catalog.VpcId,
            AvailabilityZone = subnet.Zone,
            PrivateIpAddress = PrivateAddresses.Choose(state.Ec2, subnet, privateIp),
            MacAddress = ResourceIds.MacAddress(),
            Description = description ?? "",
            CreateTime = ctx.Now,
            SecurityGroupIds = securityGroupIds.Count > 0 ? [.. securityGroupIds] : [ctx.Catalog.DefaultSecurityGroupId],
            ClientToken = clientToken,
            Tags = tags,
        };

    public static NetworkInterfaceAttachment NewAttachment(string instanceId, int deviceIndex, bool deleteOnTermination, DateTimeOffset attachTime) => new()
    {
        AttachmentId = ResourceIds.New(ResourceIds.NetworkInterfaceAttachment),
        InstanceId = instanceId,
        DeviceIndex = deviceIndex,
        State = AttachmentState.Attaching,
        AttachTime = attachTime,
        DeleteOnTermination = deleteOnTermination,
    };
}
