using System.Globalization;

namespace StatefulSpot.Emulator.Core;

/// <summary>A zone of the emulated region.</summary>
internal sealed record ZoneInfo(string Name, string ZoneId, string GroupName);

/// <summary>A subnet of the emulated VPC.</summary>
internal sealed record SubnetInfo(string SubnetId, string Zone, string ZoneId, Ipv4Cidr Cidr);

/// <summary>The static part of the world: zones, subnets and instance types, derived from the region.</summary>
internal sealed class Catalog
{
    public Catalog(string region)
    {
        Region = region;
        var shortName = ShortRegionName(region);
        Zones =
        [
            new(region + "a", shortName + "-az1", region + "-zg-1"),
            new(region + "b", shortName + "-az2", region + "-zg-1"),
            new(region + "c", shortName + "-az3", region + "-zg-1"),
        ];
        Subnets =
        [
            new(DefaultWorld.SubnetA, Zones[0].Name, Zones[0].ZoneId, Ipv4Cidr.Parse(DefaultWorld.SubnetACidr)),
            new(DefaultWorld.SubnetB, Zones[1].Name, Zones[1].ZoneId, Ipv4Cidr.Parse(DefaultWorld.SubnetBCidr)),
            new(DefaultWorld.SubnetC, Zones[2].Name, Zones[2].ZoneId, Ipv4Cidr.Parse(DefaultWorld.SubnetCCidr)),
        ];
    }

    public string Region { get; }

    public IReadOnlyList<ZoneInfo> Zones { get; }

    public IReadOnlyList<SubnetInfo> Subnets { get; }

    public ZoneInfo? FindZone(string name) => Zones.FirstOrDefault(z => z.Name == name);

    public SubnetInfo? FindSubnet(string subnetId) => Subnets.FirstOrDefault(s => s.SubnetId == subnetId);

    public SubnetInfo DefaultSubnetFor(string zone) => Subnets.First(s => s.Zone == zone);

    public static InstanceTypeSpec? FindInstanceType(string name) => DefaultWorld.InstanceTypes.FirstOrDefault(t => t.Name == name);

    /// <summary>us-east-1 -> use1, eu-west-1 -> euw1, ap-southeast-2 -> aps2 (the zone-id prefix).</summary>
    private static string ShortRegionName(string region)
    {
        var parts = region.Split('-');
        if (parts.Length < 3)
        {
            return region;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{parts[0]}{parts[1][0]}{parts[^1]}");
    }
}
