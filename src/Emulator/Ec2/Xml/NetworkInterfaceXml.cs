using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Xml;

/// <summary>The NetworkInterface shape (CreateNetworkInterface, DescribeNetworkInterfaces).</summary>
internal sealed class NetworkInterfaceXml(SharedXml shared)
{
    public void NetworkInterface(Ec2XmlWriter x, NetworkInterface n, ElasticAddress? address)
    {
        x.Element("networkInterfaceId", n.NetworkInterfaceId);
        x.Element("subnetId", n.SubnetId);
        x.Element("vpcId", n.VpcId);
        x.Element("availabilityZone", n.AvailabilityZone);
        x.Element("availabilityZoneId", shared.ZoneIdOf(n.AvailabilityZone));
        x.Element("description", n.Description);
        x.Element("ownerId", shared.OwnerId);
        x.Element("requesterManaged", false);
        x.Element("status", n.Status.ToWire());
        x.Element("macAddress", n.MacAddress);
        x.Element("privateIpAddress", n.PrivateIpAddress);
        x.Element("privateDnsName", shared.PrivateDnsName(n.PrivateIpAddress));
        x.Element("sourceDestCheck", n.SourceDestCheck);
        x.Items("groupSet", n.SecurityGroupIds, g => shared.SecurityGroup(x, g));
        if (n.Attachment is { } a)
        {
            x.Struct("attachment", () =>
            {
                x.Element("attachmentId", a.AttachmentId);
                x.Element("instanceId", a.InstanceId);
                x.Element("instanceOwnerId", shared.OwnerId);
                x.Element("deviceIndex", a.DeviceIndex);
                x.Element("status", a.State.ToWire());
                x.Element("attachTime", a.AttachTime);
                x.Element("deleteOnTermination", a.DeleteOnTermination);
                x.Element("networkCardIndex", 0);
            });
        }

        shared.Association(x, address);
        x.Tags(n.Tags);
        shared.PrivateAddresses(x, n, address);
        x.Empty("ipv6AddressesSet");
        x.Element("interfaceType", "interface");
    }
}
