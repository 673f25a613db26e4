using StatefulSpot.Emulator.Core;

namespace StatefulSpot.Emulator.Ec2.Xml;

/// <summary>The Subnet and AvailabilityZone shapes.</summary>
internal sealed class NetworkXml(SharedXml shared, EmulatorOptions options, Catalog catalog)
{
    public void Subnet(Ec2XmlWriter x, SubnetInfo s, int availableAddresses, IReadOnlyDictionary<string, string> tags)
    {
        x.Element("subnetId", s.SubnetId);
        x.Element("subnetArn", $"arn:aws:ec2:{options.Region}:{shared.OwnerId}:subnet/{s.SubnetId}");
        x.Element("state", "available");
        x.Element("vpcId", catalog.VpcId);
        x.Element("ownerId", shared.OwnerId);
        x.Element("cidrBlock", s.Cidr.ToString());
        x.Element("availableIpAddressCount", availableAddresses);
        x.Element("availabilityZone", s.Zone);
        x.Element("availabilityZoneId", s.ZoneId);
        x.Element("defaultForAz", catalog.DefaultSubnetFor(s.Zone) == s);
        x.Element("mapPublicIpOnLaunch", false);
        x.Element("assignIpv6AddressOnCreation", false);
        x.Empty("ipv6CidrBlockAssociationSet");
        x.Element("ipv6Native", false);
        x.Element("enableDns64", false);
        x.Tags(tags);
    }

    public void SecurityGroup(Ec2XmlWriter x, string groupId, bool isDefault)
    {
        x.Element("ownerId", shared.OwnerId);
        x.Element("groupId", groupId);
        x.Element("groupName", isDefault ? "default" : groupId);
        x.Element("groupDescription", isDefault ? "default VPC security group" : $"security group {groupId}");
        x.Element("vpcId", catalog.VpcId);
        x.Empty("ipPermissions");
        x.Empty("ipPermissionsEgress");
        x.Empty("tagSet");
    }

    public void Zone(Ec2XmlWriter x, ZoneInfo z)
    {
        x.Element("zoneName", z.Name);
        x.Element("zoneState", "available");
        x.Element("regionName", options.Region);
        x.Empty("messageSet");
        x.Element("optInStatus", "opt-in-not-required");
        x.Element("zoneId", z.ZoneId);
        x.Element("groupName", z.GroupName);
        x.Element("networkBorderGroup", options.Region);
        x.Element("zoneType", "availability-zone");
    }
}
