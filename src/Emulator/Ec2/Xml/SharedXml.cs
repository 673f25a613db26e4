using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Xml;

/// <summary>What the EC2 shapes share: owner id, zone ids, private DNS names, security groups, address sets.</summary>
internal sealed class SharedXml(EmulatorOptions options, Catalog catalog)
{
    public string OwnerId => options.AccountId;

    public string? ZoneIdOf(string zone) => catalog.FindZone(zone)?.ZoneId;

    public void SecurityGroup(Ec2XmlWriter x, string groupId)
    {
        x.Element("groupId", groupId);
        x.Element("groupName", groupId == catalog.DefaultSecurityGroupId ? "default" : groupId);
    }

    /// <summary>
    /// The interface's <c>privateIpAddressesSet</c>: the primary address (with the Elastic IP association, which the
    /// emulator binds to primary addresses only), then every secondary one.
    /// </summary>
    public void PrivateAddresses(Ec2XmlWriter x, NetworkInterface n, ElasticAddress? address) =>
        x.Items("privateIpAddressesSet", n.PrivateIpAddresses, ip =>
        {
            var primary = ip == n.PrivateIpAddress;
            x.Element("privateIpAddress", ip);
            x.Element("privateDnsName", PrivateDnsName(ip));
            x.Element("primary", primary);
            Association(x, primary ? address : null);
        });

    /// <summary>The Elastic IP association of an interface (<c>association</c> element), when it has one.</summary>
    public void Association(Ec2XmlWriter x, ElasticAddress? address)
    {
        if (address is null)
        {
            return;
        }

        x.Struct("association", () =>
        {
            x.Element("publicIp", address.PublicIp);
            x.Element("publicDnsName", PublicDnsName(address.PublicIp));
            x.Element("ipOwnerId", OwnerId);
            x.Element("allocationId", address.AllocationId);
            x.Element("associationId", address.AssociationId);
        });
    }

    public string PublicDnsName(string ip) =>
        "ec2-" + ip.Replace('.', '-') + (options.Region == "us-east-1" ? ".compute-1.amazonaws.com" : $".{options.Region}.compute.amazonaws.com");

    public InstanceTypeSpec? InstanceType(string name) => catalog.FindInstanceType(name);

    public string PrivateDnsName(string ip) =>
        "ip-" + ip.Replace('.', '-') + (options.Region == "us-east-1" ? ".ec2.internal" : $".{options.Region}.compute.internal");
}
