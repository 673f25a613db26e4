using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Ec2.Query;
using StatefulSpot.Emulator.Ec2.Xml;

namespace StatefulSpot.Emulator.Ec2.Actions;

/// <summary>AllocateAddress, AssociateAddress, DisassociateAddress, ReleaseAddress, DescribeAddresses on the wire.</summary>
internal sealed class AddressActions(AddressOperations addresses, AddressXml xml)
{
    private static readonly string[] AddressTagTypes = [TagSpecifications.ElasticIp];

    public void Register(Ec2ActionTable table) => table
        .Mutating("AllocateAddress", AllocateAddress)
        .Mutating("AssociateAddress", AssociateAddress)
        .Mutating("DisassociateAddress", DisassociateAddress)
        .Mutating("ReleaseAddress", ReleaseAddress)
        .ReadOnly("DescribeAddresses", DescribeAddresses);

    private void AllocateAddress(Ec2Call call)
    {
        var r = call.Request;
        var address = addresses.Allocate(call.State, r.String("Domain"), TagSpecifications.Parse(r, AddressTagTypes).For(TagSpecifications.ElasticIp));
        xml.Allocated(call.Xml, address);
    }

    private void AssociateAddress(Ec2Call call)
    {
        var r = call.Request;
        var address = addresses.Associate(call.State, new AssociateAddressArgs(
            r.String("AllocationId"),
            r.String("PublicIp"),
            r.String("InstanceId"),
            r.String("NetworkInterfaceId"),
            r.String("PrivateIpAddress"),
            r.Bool("AllowReassociation") ?? false));
        call.Xml.Element("return", true);
        call.Xml.Element("associationId", address.AssociationId);
    }

    private void DisassociateAddress(Ec2Call call)
    {
        addresses.Disassociate(call.State, call.Request.String("AssociationId"), call.Request.String("PublicIp"));
        call.Xml.Element("return", true);
    }

    private void ReleaseAddress(Ec2Call call)
    {
        addresses.Release(call.State, call.Request.String("AllocationId"), call.Request.String("PublicIp"));
        call.Xml.Element("return", true);
    }

    private void DescribeAddresses(Ec2Call call)
    {
        var r = call.Request;
        var all = addresses.Describe(call.State, r.StringList("AllocationId"), r.StringList("PublicIp"), Ec2Filter.Parse(r));
        call.Xml.Items("addressesSet", all, a => xml.Address(call.Xml, a.Address, a.InstanceId));
    }
}
