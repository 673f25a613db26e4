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
        x.Element("groupName", groupId == DefaultWorld.SecurityGroupId ? "default" : groupId);
    }

    public void PrivateAddresses(Ec2XmlWriter x, NetworkInterface n) => x.Items<string>("privateIpAddressesSet", [n.PrivateIpAddress], ip =>
    {
        x.Element("privateIpAddress", ip);
        x.Element("privateDnsName", PrivateDnsName(ip));
        x.Element("primary", true);
    });

    public string PrivateDnsName(string ip) =>
        "ip-" + ip.Replace('.', '-') + (options.Region == "us-east-1" ? ".ec2.internal" : $".{options.Region}.compute.internal");
}
