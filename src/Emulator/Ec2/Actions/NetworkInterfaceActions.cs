using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Ec2.Query;
using StatefulSpot.Emulator.Ec2.Xml;

namespace StatefulSpot.Emulator.Ec2.Actions;

/// <summary>
/// CreateNetworkInterface, DescribeNetworkInterfaces, DeleteNetworkInterface, AttachNetworkInterface,
/// DetachNetworkInterface, ModifyNetworkInterfaceAttribute, AssignPrivateIpAddresses and UnassignPrivateIpAddresses on
/// the wire.
/// </summary>
internal sealed class NetworkInterfaceActions(
    NetworkInterfaceOperations interfaces, NetworkInterfaceAttachmentOperations attachments, SecondaryAddressOperations secondaries,
    NetworkInterfaceXml xml)
{
    private static readonly string[] InterfaceTagTypes = [TagSpecifications.NetworkInterface];

    public void Register(Ec2ActionTable table) => table
        .Mutating("CreateNetworkInterface", CreateNetworkInterface)
        .ReadOnly("DescribeNetworkInterfaces", DescribeNetworkInterfaces)
        .Mutating("DeleteNetworkInterface", DeleteNetworkInterface)
        .Mutating("AttachNetworkInterface", AttachNetworkInterface)
        .Mutating("DetachNetworkInterface", DetachNetworkInterface)
        .Mutating("ModifyNetworkInterfaceAttribute", ModifyNetworkInterfaceAttribute)
        .Mutating("AssignPrivateIpAddresses", AssignPrivateIpAddresses)
        .Mutating("UnassignPrivateIpAddresses", UnassignPrivateIpAddresses);

    private void CreateNetworkInterface(Ec2Call call)
    {
        var r = call.Request;
        var token = r.String("ClientToken");
        var eni = interfaces.Create(call.State, new CreateNetworkInterfaceArgs(
            r.String("SubnetId"),
            r.String("PrivateIpAddress") ?? r.List("PrivateIpAddresses").FirstOrDefault(p => p.Bool("Primary") == true)?.String("PrivateIpAddress"),
            r.String("Description"),
            r.StringList("SecurityGroupId"),
            TagSpecifications.Parse(r, InterfaceTagTypes).For(TagSpecifications.NetworkInterface),
            token,
            r.Fingerprint("ClientToken", "Version")));
        call.Xml.Struct("networkInterface", () => xml.NetworkInterface(call.Xml, eni, call.State.Ec2.AddressOf(eni.NetworkInterfaceId)));
        call.Xml.Element("clientToken", token);
    }

    private void DescribeNetworkInterfaces(Ec2Call call)
    {
        var r = call.Request;
        var ids = r.StringList("NetworkInterfaceId");
        var maxResults = r.Int("MaxResults");
        if (ids.Count > 0 && maxResults is not null)
        {
            throw Ec2Errors.InvalidParameterCombination("The parameter NetworkInterfaceIds cannot be used with the parameter maxResults");
        }

        var all = interfaces.Describe(call.State, ids, Ec2Filter.Parse(r));
        var (page, next) = Pagination.Apply(all, maxResults, r.String("NextToken"), 5, 1000);
        call.Xml.Items("networkInterfaceSet", page, n => xml.NetworkInterface(call.Xml, n, call.State.Ec2.AddressOf(n.NetworkInterfaceId)));
        call.Xml.Element("nextToken", next);
    }

    private void DeleteNetworkInterface(Ec2Call call)
    {
        interfaces.Delete(call.State, call.Request.RequiredString("NetworkInterfaceId"));
        call.Xml.Element("return", true);
    }

    private void AttachNetworkInterface(Ec2Call call)
    {
        var r = call.Request;
        var deviceIndex = r.Int("DeviceIndex") ?? throw Ec2Errors.MissingParameter("DeviceIndex");
        var eni = attachments.Attach(call.State, r.RequiredString("NetworkInterfaceId"), r.RequiredString("InstanceId"), deviceIndex);
        call.Xml.Element("attachmentId", eni.Attachment!.AttachmentId);
        call.Xml.Element("networkCardIndex", r.Int("NetworkCardIndex") ?? 0);
    }

    private void DetachNetworkInterface(Ec2Call call)
    {
        var r = call.Request;
        _ = r.Bool("Force");
        attachments.Detach(call.State, r.RequiredString("AttachmentId"));
        call.Xml.Element("return", true);
    }

    private void ModifyNetworkInterfaceAttribute(Ec2Call call)
    {
        var r = call.Request;
        attachments.Modify(call.State, new ModifyNetworkInterfaceArgs(
            r.RequiredString("NetworkInterfaceId"),
            r.String("Description.Value"),
            r.Bool("SourceDestCheck.Value"),
            r.StringList("SecurityGroupId"),
            r.String("Attachment.AttachmentId"),
            r.Bool("Attachment.DeleteOnTermination")));
        call.Xml.Element("return", true);
    }

    private void AssignPrivateIpAddresses(Ec2Call call)
    {
        var r = call.Request;
        RefusePrefixDelegation(r, "Ipv4Prefix", "Ipv4PrefixCount");
        var eniId = r.RequiredString("NetworkInterfaceId");
        var assigned = secondaries.Assign(call.State, new AssignPrivateAddressesArgs(
            eniId, r.StringList("PrivateIpAddress"), r.Int("SecondaryPrivateIpAddressCount"), r.Bool("AllowReassignment") ?? false));
        call.Xml.Element("networkInterfaceId", eniId);
        call.Xml.Items("assignedPrivateIpAddressesSet", assigned, ip => call.Xml.Element("privateIpAddress", ip));
    }

    private void UnassignPrivateIpAddresses(Ec2Call call)
    {
        var r = call.Request;
        RefusePrefixDelegation(r, "Ipv4Prefix");
        secondaries.Unassign(call.State, r.RequiredString("NetworkInterfaceId"), r.StringList("PrivateIpAddress"));
        call.Xml.Element("return", true);
    }

    private static void RefusePrefixDelegation(QueryNode request, params string[] parameters)
    {
        if (parameters.FirstOrDefault(request.Has) is { } parameter)
        {
            throw Ec2Errors.UnsupportedOperation($"The emulator does not model IPv4 prefix delegation ({parameter}).");
        }
    }
}
