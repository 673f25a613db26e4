using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Xml;

/// <summary>The Address shape (DescribeAddresses) and AllocateAddress's answer.</summary>
internal sealed class AddressXml(SharedXml shared, EmulatorOptions options)
{
    public void Allocated(Ec2XmlWriter x, ElasticAddress a)
    {
        x.Element("publicIp", a.PublicIp);
        x.Element("domain", "vpc");
        x.Element("allocationId", a.AllocationId);
        x.Element("publicIpv4Pool", "amazon");
        x.Element("networkBorderGroup", options.Region);
    }

    public void Address(Ec2XmlWriter x, ElasticAddress a, string? instanceId)
    {
        x.Element("publicIp", a.PublicIp);
        x.Element("allocationId", a.AllocationId);
        x.Element("domain", "vpc");
        x.Element("instanceId", instanceId);
        x.Element("associationId", a.AssociationId);
        x.Element("networkInterfaceId", a.NetworkInterfaceId);
        x.Element("networkInterfaceOwnerId", a.NetworkInterfaceId is null ? null : shared.OwnerId);
        x.Element("privateIpAddress", a.PrivateIpAddress);
        x.Element("publicIpv4Pool", "amazon");
        x.Element("networkBorderGroup", options.Region);
        x.Tags(a.Tags);
    }
}
