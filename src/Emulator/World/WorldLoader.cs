using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using StatefulSpot.Emulator.Core;

namespace StatefulSpot.Emulator.World;

/// <summary>
/// Reads a world file (or the embedded default world), replaces <c>{region}</c> / <c>{regionCode}</c> and checks it,
/// failing with a message that names the bad key.
/// </summary>
internal static partial class WorldLoader
{
    public const string DefaultResource = "StatefulSpot.Emulator.worlds.default.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly string[] Markets = ["spot", "on-demand"];

    /// <summary>The world of <paramref name="worldFile"/>, or the default world when it is null.</summary>
    public static WorldDefinition Load(string? worldFile, string region)
    {
        var (text, source) = worldFile is null ? (ReadDefault(), "the default world") : (ReadFile(worldFile), $"World file '{worldFile}'");
        text = text.Replace("{region}", region, StringComparison.Ordinal).Replace("{regionCode}", RegionCode(region), StringComparison.Ordinal);
        WorldDefinition? world;
        try
        {
            world = JsonSerializer.Deserialize<WorldDefinition>(text, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{source} is not valid JSON for a world: {e.Message}", e);
        }

        if (world is null)
        {
            throw new InvalidOperationException($"{source} is empty.");
        }

        Validate(world, region, source);
        return world;
    }

    /// <summary>us-east-1 -> use1, eu-west-1 -> euw1, ap-southeast-2 -> aps2 (the zone-id prefix).</summary>
    public static string RegionCode(string region)
    {
        var parts = region.Split('-');
        return parts.Length < 3 ? region : string.Create(CultureInfo.InvariantCulture, $"{parts[0]}{parts[1][0]}{parts[^1]}");
    }

    private static string ReadDefault()
    {
        using var stream = typeof(WorldLoader).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"The embedded default world '{DefaultResource}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{EmulatorOptions.SectionName}:{nameof(EmulatorOptions.WorldFile)} '{path}' cannot be read: {e.Message}", e);
        }
    }

    private static void Validate(WorldDefinition world, string region, string source)
    {
        void Require(bool ok, string key, string problem)
        {
            if (!ok)
            {
                throw new InvalidOperationException($"{source}: {key} {problem}.");
            }
        }

        Require(world.Region is null || world.Region == region, "region",
            $"is '{world.Region}' but {EmulatorOptions.SectionName}:{nameof(EmulatorOptions.Region)} is '{region}'; set both to the same region");
        Require(IdPattern("vpc").IsMatch(world.Vpc.VpcId), "vpc.vpcId", $"'{world.Vpc.VpcId}' is not a VPC id (vpc-<hex>)");
        Require(IdPattern("sg").IsMatch(world.Vpc.SecurityGroupId), "vpc.securityGroupId", $"'{world.Vpc.SecurityGroupId}' is not a security group id (sg-<hex>)");
        foreach (var group in world.Vpc.AdditionalSecurityGroupIds ?? [])
        {
            Require(IdPattern("sg").IsMatch(group ?? ""), "vpc.additionalSecurityGroupIds", $"'{group}' is not a security group id (sg-<hex>)");
        }
        Require(TryCidr(world.Vpc.Cidr, out var vpcCidr), "vpc.cidr", $"'{world.Vpc.Cidr}' is not an IPv4 CIDR");
        Require(world.Zones.Count > 0, "zones", "must list at least one zone");
        Require(world.Zones.Select(z => z.Name).Distinct().Count() == world.Zones.Count, "zones", "has a zone name twice");
        for (var i = 0; i < world.Zones.Count; i++)
        {
            Require(world.Zones[i].Name.StartsWith(region, StringComparison.Ordinal), $"zones[{i}].name", $"'{world.Zones[i].Name}' is not a zone of {region}");
            Require(world.Zones[i].ZoneId.Length > 0, $"zones[{i}].zoneId", "is missing");
        }

        var zones = world.Zones.Select(z => z.Name).ToHashSet(StringComparer.Ordinal);
        Require(world.Subnets.Select(s => s.SubnetId).Distinct().Count() == world.Subnets.Count, "subnets", "has a subnet id twice");
        var subnetCidrs = new List<Ipv4Cidr>();
        for (var i = 0; i < world.Subnets.Count; i++)
        {
            var s = world.Subnets[i];
            Require(IdPattern("subnet").IsMatch(s.SubnetId), $"subnets[{i}].subnetId", $"'{s.SubnetId}' is not a subnet id (subnet-<hex>)");
            Require(zones.Contains(s.Zone), $"subnets[{i}].zone", $"'{s.Zone}' is not one of the zones");
            Require(TryCidr(s.Cidr, out var cidr) && cidr.PrefixLength is >= 16 and <= 28, $"subnets[{i}].cidr", $"'{s.Cidr}' is not an IPv4 CIDR from /16 to /28");
            Require(vpcCidr.Contains(cidr.Network) && vpcCidr.Contains(cidr.Last), $"subnets[{i}].cidr", $"'{s.Cidr}' is not inside the VPC CIDR {world.Vpc.Cidr}");
            Require(subnetCidrs.All(o => cidr.Last < o.Network || cidr.Network > o.Last), $"subnets[{i}].cidr", $"'{s.Cidr}' overlaps another subnet");
            subnetCidrs.Add(cidr);
        }

        Require(world.Zones.All(z => world.Subnets.Any(s => s.Zone == z.Name)), "subnets", "must give every zone at least one subnet");
        Require(world.InstanceTypes.Count > 0, "instanceTypes", "must list at least one instance type");
        Require(world.InstanceTypes.Select(t => t.Name).Distinct().Count() == world.InstanceTypes.Count, "instanceTypes", "has a name twice");
        for (var i = 0; i < world.InstanceTypes.Count; i++)
        {
            var t = world.InstanceTypes[i];
            Require(t.Name.Contains('.', StringComparison.Ordinal), $"instanceTypes[{i}].name", $"'{t.Name}' is not an instance type name");
            Require(t.VCpus >= 1 && t.MemoryMiB >= 1, $"instanceTypes[{i}]", "needs vCpus and memoryMiB of at least 1");
            Require(t.OnDemandPrice >= 0 && t.SpotPrice >= 0, $"instanceTypes[{i}]", "has a negative price");
            Require(t.Ipv4AddressesPerInterface >= 1, $"instanceTypes[{i}].ipv4AddressesPerInterface", "must be at least 1");
            Require(t.Zones is null || (t.Zones.Count > 0 && t.Zones.All(zones.Contains)), $"instanceTypes[{i}].zones",
                "must list at least one of the zones (or be left out: every zone)");
        }

        var types = world.InstanceTypes.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < world.SpotPrices.Count; i++)
        {
            var p = world.SpotPrices[i];
            Require(types.Contains(p.InstanceType) && zones.Contains(p.Zone) && p.Price >= 0, $"spotPrices[{i}]",
                "must name a listed instance type and zone and a price >= 0");
        }

        Require(world.Images.Count > 0, "images", "must list at least one image");
        for (var i = 0; i < world.Images.Count; i++)
        {
            var image = world.Images[i];
            Require(IdPattern("ami").IsMatch(image.ImageId), $"images[{i}].imageId", $"'{image.ImageId}' is not an image id (ami-<hex>)");
            Require(IdPattern("snap").IsMatch(image.RootSnapshotId), $"images[{i}].rootSnapshotId", $"'{image.RootSnapshotId}' is not a snapshot id (snap-<hex>)");
            Require(image.RootVolumeSize >= 1, $"images[{i}].rootVolumeSize", "must be at least 1");
            Require(image.Name.Length >= 3, $"images[{i}].name", "must be at least 3 characters");
        }

        Require(world.Images.Select(i => i.ImageId).Distinct().Count() == world.Images.Count, "images", "has an image id twice");
        Require(world.Capacity.Default is null or >= 0, "capacity.default", "must be null (unlimited) or >= 0");
        for (var i = 0; i < world.Capacity.Pools.Count; i++)
        {
            var pool = world.Capacity.Pools[i];
            Require(types.Contains(pool.InstanceType), $"capacity.pools[{i}].instanceType", $"'{pool.InstanceType}' is not a listed instance type");
            Require(zones.Contains(pool.Zone), $"capacity.pools[{i}].zone", $"'{pool.Zone}' is not one of the zones");
            Require(Markets.Contains(pool.Market), $"capacity.pools[{i}].market", $"'{pool.Market}' must be spot or on-demand");
            Require(pool.Instances is null or >= 0, $"capacity.pools[{i}].instances", "must be null (unlimited) or >= 0");
        }

        Require(world.ElasticIps.Limit >= 0, "elasticIps.limit", "must be >= 0");
        Require(TryCidr(world.ElasticIps.PublicCidr, out var publicCidr) && publicCidr.PrefixLength <= 30, "elasticIps.publicCidr",
            $"'{world.ElasticIps.PublicCidr}' is not an IPv4 CIDR of /30 or larger");
    }

    private static bool TryCidr(string text, out Ipv4Cidr cidr) => Ipv4Cidr.TryParse(text, out cidr);

    private static Regex IdPattern(string prefix) => prefix switch
    {
        "vpc" => VpcId(),
        "sg" => SecurityGroupId(),
        "subnet" => SubnetId(),
        "ami" => ImageId(),
        _ => SnapshotId(),
    };

    [GeneratedRegex("^vpc-[0-9a-f]{8,17}$")]
    private static partial Regex VpcId();

    [GeneratedRegex("^sg-[0-9a-f]{8,17}$")]
    private static partial Regex SecurityGroupId();

    [GeneratedRegex("^subnet-[0-9a-f]{8,17}$")]
    private static partial Regex SubnetId();

    [GeneratedRegex("^ami-[0-9a-f]{8,17}$")]
    private static partial Regex ImageId();

    [GeneratedRegex("^snap-[0-9a-f]{8,17}$")]
    private static partial Regex SnapshotId();
}
