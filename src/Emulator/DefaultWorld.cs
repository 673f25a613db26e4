namespace StatefulSpot.Emulator;

/// <summary>
/// The world every emulator starts with unless <see cref="EmulatorOptions.WorldFile"/> names another: one VPC, three
/// zones with one default subnet each, one image and a handful of instance types with us-east-1 prices. It is read from
/// the embedded <c>worlds/default.json</c>; the constants below are its ids. Zone names follow
/// <see cref="EmulatorOptions.Region"/>; the zone constants are the names in the default region <c>us-east-1</c>.
/// Subnet, VPC, security group, image and snapshot ids never change.
/// </summary>
public static class DefaultWorld
{
    /// <summary>The only VPC.</summary>
    public const string VpcId = "vpc-0a1b2c3d4e5f60718";

    /// <summary>CIDR of <see cref="VpcId"/>.</summary>
    public const string VpcCidr = "10.0.0.0/16";

    /// <summary>The VPC's default security group, used when a launch names none.</summary>
    public const string SecurityGroupId = "sg-0a1b2c3d4e5f6071a";

    /// <summary>First zone (zone id <c>use1-az1</c>).</summary>
    public const string ZoneA = "us-east-1a";

    /// <summary>Second zone (zone id <c>use1-az2</c>).</summary>
    public const string ZoneB = "us-east-1b";

    /// <summary>Third zone (zone id <c>use1-az3</c>).</summary>
    public const string ZoneC = "us-east-1c";

    /// <summary>Default subnet of the first zone, <see cref="SubnetACidr"/>.</summary>
    public const string SubnetA = "subnet-0aaaaaaaaaaaaaaa1";

    /// <summary>Default subnet of the second zone, <see cref="SubnetBCidr"/>.</summary>
    public const string SubnetB = "subnet-0bbbbbbbbbbbbbbb2";

    /// <summary>Default subnet of the third zone, <see cref="SubnetCCidr"/>.</summary>
    public const string SubnetC = "subnet-0ccccccccccccccc3";

    /// <summary>CIDR of <see cref="SubnetA"/>.</summary>
    public const string SubnetACidr = "10.0.1.0/24";

    /// <summary>CIDR of <see cref="SubnetB"/>.</summary>
    public const string SubnetBCidr = "10.0.2.0/24";

    /// <summary>CIDR of <see cref="SubnetC"/>.</summary>
    public const string SubnetCCidr = "10.0.3.0/24";

    /// <summary>The default image: EBS-backed, x86_64, HVM, root <see cref="RootDeviceName"/> of <see cref="RootVolumeSizeGiB"/> GiB gp3.</summary>
    public const string ImageId = "ami-0123456789abcdef0";

    /// <summary>Root device of <see cref="ImageId"/>.</summary>
    public const string RootDeviceName = "/dev/xvda";

    /// <summary>Root volume size of <see cref="ImageId"/>.</summary>
    public const int RootVolumeSizeGiB = 8;

    /// <summary>The root snapshot of <see cref="ImageId"/> (<see cref="RootVolumeSizeGiB"/> GiB, <c>completed</c>, owned by <c>amazon</c>).</summary>
    public const string RootSnapshotId = "snap-0123456789abcdef0";

    /// <summary>
    /// The instance types RunInstances accepts (any other is <c>InvalidParameterValue</c>), with us-east-1 Linux prices
    /// and AWS's IPv4 addresses per network interface.
    /// </summary>
    public static IReadOnlyList<InstanceTypeSpec> InstanceTypes { get; } =
    [
        new("m5.large", 2, 8192) { OnDemandPrice = 0.096m, SpotPrice = 0.0384m, Ipv4AddressesPerInterface = 10 },
        new("m5.xlarge", 4, 16384) { OnDemandPrice = 0.192m, SpotPrice = 0.0768m, Ipv4AddressesPerInterface = 15 },
        new("c5.large", 2, 4096) { OnDemandPrice = 0.085m, SpotPrice = 0.0342m, Ipv4AddressesPerInterface = 10 },
        new("r5.large", 2, 16384) { OnDemandPrice = 0.126m, SpotPrice = 0.0455m, Ipv4AddressesPerInterface = 10 },
        new("t3.medium", 2, 4096) { OnDemandPrice = 0.0416m, SpotPrice = 0.0125m, Ipv4AddressesPerInterface = 6 },
    ];
}

/// <summary>An instance type the emulator offers, with its vCPU count, memory and hourly prices (USD, Linux).</summary>
public sealed record InstanceTypeSpec(string Name, int VCpus, int MemoryMiB)
{
    /// <summary>On-demand price per hour (for cost reporting; DescribeSpotPriceHistory does not show it).</summary>
    public decimal OnDemandPrice { get; init; }

    /// <summary>Spot price per hour in every zone without a <see cref="SpotPriceDefinition"/> of its own.</summary>
    public decimal SpotPrice { get; init; }

    /// <summary>
    /// The zones that offer the type (DescribeInstanceTypeOfferings; RunInstances elsewhere is <c>Unsupported</c>);
    /// null: every zone of the region.
    /// </summary>
    public IReadOnlyList<string>? Zones { get; init; }

    /// <summary>The <see cref="Ipv4AddressesPerInterface"/> of a type whose world entry names none: that of the 2-vCPU m5, c5 and r5 types.</summary>
    public const int DefaultIpv4AddressesPerInterface = 10;

    /// <summary>
    /// Private IPv4 addresses a network interface attached to an instance of the type may hold, its primary included
    /// (AWS's "IPv4 addresses per interface"; AssignPrivateIpAddresses beyond it is <c>PrivateIpAddressLimitExceeded</c>).
    /// Default <see cref="DefaultIpv4AddressesPerInterface"/>.
    /// </summary>
    public int Ipv4AddressesPerInterface { get; init; } = DefaultIpv4AddressesPerInterface;

    /// <summary>Whether <paramref name="zone"/> offers the type.</summary>
    public bool IsOfferedIn(string zone) => Zones is null || Zones.Contains(zone, StringComparer.Ordinal);

    /// <summary>Physical cores (two threads per core, as on the real types).</summary>
    public int CoreCount => Math.Max(1, VCpus / 2);

    /// <summary>Threads per core.</summary>
    public int ThreadsPerCore => VCpus >= 2 ? 2 : 1;
}
