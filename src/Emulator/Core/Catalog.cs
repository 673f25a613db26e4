namespace StatefulSpot.Emulator.Core;

/// <summary>A zone of the emulated region.</summary>
internal sealed record ZoneInfo(string Name, string ZoneId, string GroupName);

/// <summary>A subnet of the emulated VPC.</summary>
internal sealed record SubnetInfo(string SubnetId, string Zone, string ZoneId, Ipv4Cidr Cidr);

/// <summary>The static part of the world (zones, VPC, subnets, instance types, prices, capacity defaults), from a <see cref="WorldDefinition"/>.</summary>
internal sealed class Catalog
{
    public const string SpotMarket = "spot";
    public const string OnDemandMarket = "on-demand";

    private readonly Dictionary<string, InstanceTypeSpec> _types;
    private readonly Dictionary<(string Type, string Zone), decimal> _spotPrices;

    public Catalog(WorldDefinition world, string region)
    {
        World = world;
        Region = region;
        Zones = world.Zones.Select(z => new ZoneInfo(z.Name, z.ZoneId, region + "-zg-1")).ToList();
        Subnets = world.Subnets.Select(s => new SubnetInfo(s.SubnetId, s.Zone, Zones.First(z => z.Name == s.Zone).ZoneId, Ipv4Cidr.Parse(s.Cidr)))
            .ToList();
        _types = world.InstanceTypes.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _spotPrices = world.SpotPrices.ToDictionary(p => (p.InstanceType, p.Zone), p => p.Price);
        PublicCidr = Ipv4Cidr.Parse(world.ElasticIps.PublicCidr);
    }

    public WorldDefinition World { get; }

    public string Region { get; }

    public string VpcId => World.Vpc.VpcId;

    public string DefaultSecurityGroupId => World.Vpc.SecurityGroupId;

    /// <summary>The VPC's security groups: the default one first.</summary>
    public IReadOnlyList<string> SecurityGroupIds => [World.Vpc.SecurityGroupId, .. World.Vpc.AdditionalSecurityGroupIds];

    /// <summary>Throws InvalidGroup.NotFound for the first group that is not one of the VPC's, as EC2 does.</summary>
    public void RequireSecurityGroups(IEnumerable<string> groupIds)
    {
        foreach (var id in groupIds)
        {
            if (id != World.Vpc.SecurityGroupId && !World.Vpc.AdditionalSecurityGroupIds.Contains(id, StringComparer.Ordinal))
            {
                throw Ec2.Ec2Errors.SecurityGroupNotFound(id, World.Vpc.VpcId);
            }
        }
    }

    public IReadOnlyList<ZoneInfo> Zones { get; }

    public IReadOnlyList<SubnetInfo> Subnets { get; }

    public IReadOnlyList<InstanceTypeSpec> InstanceTypes => World.InstanceTypes;

    public Ipv4Cidr PublicCidr { get; }

    public int ElasticIpLimit => World.ElasticIps.Limit;

    public ZoneInfo? FindZone(string name) => Zones.FirstOrDefault(z => z.Name == name);

    public SubnetInfo? FindSubnet(string subnetId) => Subnets.FirstOrDefault(s => s.SubnetId == subnetId);

    public SubnetInfo DefaultSubnetFor(string zone) => Subnets.First(s => s.Zone == zone);

    public InstanceTypeSpec? FindInstanceType(string name) => _types.GetValueOrDefault(name);

    public decimal SpotPrice(InstanceTypeSpec type, string zone) => _spotPrices.TryGetValue((type.Name, zone), out var price) ? price : type.SpotPrice;

    /// <summary>The world file's capacity of a (type, zone, market) pool; null is unlimited.</summary>
    public int? WorldCapacity(string instanceType, string zone, string market)
    {
        var pool = World.Capacity.Pools.FirstOrDefault(p => p.InstanceType == instanceType && p.Zone == zone && p.Market == market);
        return pool is not null ? pool.Instances : World.Capacity.Default;
    }
}
