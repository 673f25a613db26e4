using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Ec2.Query;
using StatefulSpot.Emulator.Ec2.Xml;

namespace StatefulSpot.Emulator.Ec2.Actions;

/// <summary>CreateNetworkInterface, DescribeNetworkInterfaces, DeleteNetworkInterface on the wire.</summary>
internal sealed class NetworkInterfaceActions(NetworkInterfaceOperations interfaces, NetworkInterfaceXml xml)
{
    private static readonly string[] InterfaceTagTypes = [TagSpecifications.NetworkInterface];

    public void Register(Ec2ActionTable table) => table
        .Mutating("CreateNetworkInterface", CreateNetworkInterface)
        .ReadOnly("DescribeNetworkInterfaces", DescribeNetworkInterfaces)
        .Mutating("DeleteNetworkInterface", DeleteNetworkInterface);

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
        call.Xml.Struct("networkInterface", () => xml.NetworkInterface(call.Xml, eni));
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

        var all = NetworkInterfaceOperations.Describe(call.State, ids, Ec2Filter.Parse(r));
        var (page, next) = Pagination.Apply(all, maxResults, r.String("NextToken"), 5, 1000);
        call.Xml.Items("networkInterfaceSet", page, n => xml.NetworkInterface(call.Xml, n));
        call.Xml.Element("nextToken", next);
    }

    private static void DeleteNetworkInterface(Ec2Call call)
    {
        NetworkInterfaceOperations.Delete(call.State, call.Request.RequiredString("NetworkInterfaceId"));
        call.Xml.Element("return", true);
    }
}
