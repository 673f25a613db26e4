namespace StatefulSpot.Grains.Interfaces;

/// <summary>
/// What a user asks for: a durable machine identity that outlives every EC2 instance behind it.
/// Field names follow the product users migrate from (launchSpecification, persistence, network, strategy).
/// Ids are never renumbered; a removed field leaves a gap.
/// </summary>
[GenerateSerializer, Immutable, Alias("statefulspot.managed-instance-spec")]
public sealed record ManagedInstanceSpec
{
    /// <summary>Human name; becomes the instance's Name tag.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>
    /// Subnets the instance may run in, in order of preference. With <see cref="PersistenceSpec.PersistPrivateIp"/>,
    /// a fixed private IP or an IP pool they must share one AZ.
    /// </summary>
    [Id(1)] public required IReadOnlyList<string> SubnetIds { get; init; }

    [Id(2)] public required LaunchSpecification LaunchSpecification { get; init; }

    [Id(3)] public PersistenceSpec Persistence { get; init; } = new();

    [Id(4)] public StrategySpec Strategy { get; init; } = new();

    /// <summary>The region; when set it must be the region the cluster manages.</summary>
    [Id(5)] public string? Region { get; init; }

    [Id(6)] public NetworkSpec Network { get; init; } = new();

    [Id(7)] public SnapshotSpec Snapshots { get; init; } = new();
}

[GenerateSerializer, Immutable, Alias("statefulspot.launch-specification")]
public sealed record LaunchSpecification
{
    [Id(0)] public required string ImageId { get; init; }

    /// <summary>Root device of the image; defaults to /dev/xvda.</summary>
    [Id(2)] public string RootDeviceName { get; init; } = "/dev/xvda";

    /// <summary>Root volume size in GiB; defaults to 8.</summary>
    [Id(3)] public int RootVolumeSizeGiB { get; init; } = 8;

    /// <summary>Data volumes, kept across replacements according to <see cref="PersistenceSpec"/>.</summary>
    [Id(4)] public IReadOnlyList<BlockDeviceMappingSpec> BlockDeviceMappings { get; init; } = [];

    [Id(5)] public IReadOnlyList<string> SecurityGroupIds { get; init; } = [];

    [Id(6)] public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The instance types to run on: preferred first, then the others.</summary>
    [Id(7)] public required InstanceTypesSpec InstanceTypes { get; init; }

    [Id(8)] public string? KeyPair { get; init; }

    /// <summary>Base64 user data, passed to every launch unchanged.</summary>
    [Id(9)] public string? UserData { get; init; }

    /// <summary>Instance profile ARN or name.</summary>
    [Id(10)] public string? IamInstanceProfile { get; init; }
}

[GenerateSerializer, Immutable, Alias("statefulspot.instance-types-spec")]
public sealed record InstanceTypesSpec
{
    /// <summary>Tried first, in order.</summary>
    [Id(0)] public required IReadOnlyList<string> Preferred { get; init; }

    /// <summary>Tried when no preferred type has capacity, in order.</summary>
    [Id(1)] public IReadOnlyList<string> Others { get; init; } = [];

    public static InstanceTypesSpec Of(params string[] preferred) => new() { Preferred = preferred };
}

/// <summary>One data volume of the instance (the root volume is described by the launch specification).</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.block-device-mapping-spec")]
public sealed record BlockDeviceMappingSpec
{
    /// <summary>Device name the volume is attached at, for example /dev/sdf.</summary>
    [Id(0)] public required string DeviceName { get; init; }

    [Id(1)] public required int VolumeSizeGiB { get; init; }

    /// <summary>EBS volume type; defaults to gp3.</summary>
    [Id(2)] public string VolumeType { get; init; } = "gp3";

    /// <summary>Provisioned IOPS: required for io1 and io2, optional for gp3 (default 3000), not allowed otherwise.</summary>
    [Id(3)] public int? Iops { get; init; }

    /// <summary>Throughput in MiB/s, gp3 only (default 125).</summary>
    [Id(4)] public int? Throughput { get; init; }
}

[GenerateSerializer, Immutable, Alias("statefulspot.persistence-spec")]
public sealed record PersistenceSpec
{
    /// <summary>Launch every replacement with the same primary ENI, and so the same private IP.</summary>
    [Id(0)] public bool PersistPrivateIp { get; init; }

    /// <summary>Keep the data volumes across replacements.</summary>
    [Id(1)] public bool PersistBlockDevices { get; init; } = true;

    [Id(2)] public BlockDevicesMode BlockDevicesMode { get; init; } = BlockDevicesMode.Reattach;

    /// <summary>Keep the root volume: a final snapshot and an AMI after the old instance is gone.</summary>
    [Id(3)] public bool PersistRootDevice { get; init; }
}

public enum BlockDevicesMode
{
    /// <summary>The same EBS volumes are detached from the old instance and attached to the replacement.</summary>
    Reattach = 1,

    /// <summary>Volumes are snapshotted continuously; the replacement gets new volumes from the latest snapshots.</summary>
    OnLaunch = 2,
}

/// <summary>At most one of the private IP fields is set.</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.network-spec")]
public sealed record NetworkSpec
{
    /// <summary>A fixed private IP in the first subnet; implies a persistent ENI, unless it floats (<see cref="FloatingPrivateIp"/>).</summary>
    [Id(0)] public string? PrivateIp { get; init; }

    /// <summary>The name of an IP pool to lease the private IP from; implies a persistent ENI.</summary>
    [Id(1)] public string? PrivateIpPool { get; init; }

    /// <summary>An Elastic IP allocation id, associated with every replacement.</summary>
    [Id(2)] public string? ElasticIpAllocationId { get; init; }

    /// <summary>
    /// The managed instance's stable private IP is a secondary private IP of each instance's own primary ENI, moved to
    /// the replacement (AssignPrivateIpAddresses with AllowReassignment) instead of keeping one ENI for life: the
    /// replacement can then boot during the interruption warning. The address is <see cref="PrivateIp"/> when set, else
    /// one EC2 chooses at the first launch; it stays in the subnet of that launch. The guest OS must configure
    /// secondary addresses (Amazon Linux's ec2-net-utils does).
    /// </summary>
    [Id(3)] public bool FloatingPrivateIp { get; init; }
}

[GenerateSerializer, Immutable, Alias("statefulspot.strategy-spec")]
public sealed record StrategySpec
{
    [Id(0)] public LifeCycle LifeCycle { get; init; } = LifeCycle.Spot;

    /// <summary>
    /// How long the old instance may keep serving after an interruption notice or a recycle before we terminate it
    /// ourselves; never beyond the two-minute deadline. Null means: let EC2 take it at the deadline.
    /// </summary>
    [Id(1)] public TimeSpan? DrainingTimeout { get; init; }

    /// <summary>Launch on-demand when no allowed Spot pool has capacity. Default true.</summary>
    [Id(2)] public bool FallbackToOnDemand { get; init; } = true;

    /// <summary>When an instance that fell back to on-demand returns to Spot.</summary>
    [Id(3)] public RevertToSpot RevertToSpot { get; init; } = RevertToSpot.Never;

    /// <summary>Windows for proactive replacements, "ddd:hh:mm-ddd:hh:mm" in UTC (e.g. "Sat:02:00-Sat:04:00").</summary>
    [Id(4)] public IReadOnlyList<string> OptimizationWindows { get; init; } = [];

    /// <summary>What an EC2 rebalance recommendation does. Default ignore (it is only logged).</summary>
    [Id(5)] public RebalanceAction OnRebalanceRecommendation { get; init; } = RebalanceAction.Ignore;
}

public enum RebalanceAction
{
    Ignore = 1,

    /// <summary>Recycle proactively, before any interruption warning (inside the optimization windows when some are set).</summary>
    Recycle = 2,
}

public enum LifeCycle
{
    Spot = 1,
    OnDemand = 2,
}

public enum RevertToSpot
{
    Never = 1,
    Always = 2,
    TimeWindow = 3,
}

[GenerateSerializer, Immutable, Alias("statefulspot.snapshot-spec")]
public sealed record SnapshotSpec
{
    /// <summary>How often persisted volumes are snapshotted where the persistence mode needs it. Default 5 minutes.</summary>
    [Id(0)] public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Snapshots kept per volume. Default 3.</summary>
    [Id(1)] public int Retention { get; init; } = 3;
}
