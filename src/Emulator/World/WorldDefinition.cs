namespace StatefulSpot.Emulator;

/// <summary>
/// The static part of an emulated world, as read from a world file (<see cref="EmulatorOptions.WorldFile"/>) or the built-in
/// <c>worlds/default.json</c>: region, zones, the VPC and its subnets, instance types with prices, images and capacity.
/// Everything else (instances, volumes, …) is created through the API. In a world file <c>{region}</c> and
/// <c>{regionCode}</c> (e.g. <c>use1</c>) are replaced before the file is read.
/// </summary>
public sealed record WorldDefinition
{
    /// <summary>The region, or null to follow <see cref="EmulatorOptions.Region"/>; when set it must equal it.</summary>
    public string? Region { get; init; }

    /// <summary>The only VPC and its default security group.</summary>
    public VpcDefinition Vpc { get; init; } = new();

    /// <summary>The zones of the region.</summary>
    public IReadOnlyList<ZoneDefinition> Zones { get; init; } = [];

    /// <summary>The subnets of the VPC (the first one of a zone is that zone's default subnet).</summary>
    public IReadOnlyList<SubnetDefinition> Subnets { get; init; } = [];

    /// <summary>The instance types RunInstances accepts, with vCPUs, memory and prices.</summary>
    public IReadOnlyList<InstanceTypeSpec> InstanceTypes { get; init; } = [];

    /// <summary>Per-zone Spot prices overriding <see cref="InstanceTypeSpec.SpotPrice"/>.</summary>
    public IReadOnlyList<SpotPriceDefinition> SpotPrices { get; init; } = [];

    /// <summary>Images every account sees (owned by <c>amazon</c> unless <see cref="ImageDefinition.OwnerAlias"/> says otherwise).</summary>
    public IReadOnlyList<ImageDefinition> Images { get; init; } = [];

    /// <summary>How many instances each (type, zone, market) pool holds.</summary>
    public CapacityDefinition Capacity { get; init; } = new();

    /// <summary>Elastic IP addresses: the account limit and the public range they come from.</summary>
    public ElasticIpDefinition ElasticIps { get; init; } = new();
}

/// <summary>The VPC: id, CIDR and the default security group used when a launch names none.</summary>
public sealed record VpcDefinition
{
    public string VpcId { get; init; } = "";

    public string Cidr { get; init; } = "";

    public string SecurityGroupId { get; init; } = "";

    /// <summary>Security groups of the VPC besides its default one (<see cref="SecurityGroupId"/>).</summary>
    public IReadOnlyList<string> AdditionalSecurityGroupIds { get; init; } = [];
}

/// <summary>An availability zone: name (e.g. <c>us-east-1a</c>) and zone id (e.g. <c>use1-az1</c>).</summary>
public sealed record ZoneDefinition
{
    public string Name { get; init; } = "";

    public string ZoneId { get; init; } = "";
}

/// <summary>A subnet: id, zone name, CIDR (inside the VPC CIDR) and tags.</summary>
public sealed record SubnetDefinition
{
    public string SubnetId { get; init; } = "";

    public string Zone { get; init; } = "";

    public string Cidr { get; init; } = "";

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>The Spot price of one instance type in one zone (USD per hour).</summary>
public sealed record SpotPriceDefinition
{
    public string InstanceType { get; init; } = "";

    public string Zone { get; init; } = "";

    public decimal Price { get; init; }
}

/// <summary>An EBS-backed image with its root snapshot (the snapshot is created with the world, <c>completed</c>).</summary>
public sealed record ImageDefinition
{
    public string ImageId { get; init; } = "";

    public string Name { get; init; } = "";

    /// <summary><c>amazon</c> (the default) or null for an image owned by the account itself.</summary>
    public string? OwnerAlias { get; init; } = "amazon";

    public string Architecture { get; init; } = "x86_64";

    public string RootDeviceName { get; init; } = "/dev/xvda";

    public string RootSnapshotId { get; init; } = "";

    public int RootVolumeSize { get; init; } = 8;

    public string RootVolumeType { get; init; } = "gp3";
}

/// <summary>Capacity of the (instance type, zone, market) pools: <see cref="Default"/> for every pool not listed.</summary>
public sealed record CapacityDefinition
{
    /// <summary>Instances a pool holds when it is not listed in <see cref="Pools"/>; null is unlimited.</summary>
    public int? Default { get; init; }

    public IReadOnlyList<CapacityPoolDefinition> Pools { get; init; } = [];
}

/// <summary>One pool: at most <see cref="Instances"/> live instances of the type in the zone and market (<c>spot</c> or <c>on-demand</c>); null is unlimited.</summary>
public sealed record CapacityPoolDefinition
{
    public string InstanceType { get; init; } = "";

    public string Zone { get; init; } = "";

    public string Market { get; init; } = "";

    public int? Instances { get; init; }
}

/// <summary>Elastic IPs: how many the account may hold and the CIDR their public addresses come from.</summary>
public sealed record ElasticIpDefinition
{
    public int Limit { get; init; } = 5;

    public string PublicCidr { get; init; } = "198.51.100.0/24";
}
