namespace StatefulSpot.Grains.Interfaces;

/// <summary>
/// What a user asks for: a durable machine identity that outlives every EC2 instance behind it.
/// Field names follow the product users migrate from (launchSpecification, persistence, strategy).
/// </summary>
[GenerateSerializer, Immutable, Alias("statefulspot.managed-instance-spec")]
public sealed record ManagedInstanceSpec
{
    /// <summary>Human name; becomes the instance's Name tag.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>Subnets the instance may run in. With <see cref="PersistenceSpec.PersistPrivateIp"/> they must share one AZ.</summary>
    [Id(1)] public required IReadOnlyList<string> SubnetIds { get; init; }

    [Id(2)] public required LaunchSpecification LaunchSpecification { get; init; }

    [Id(3)] public PersistenceSpec Persistence { get; init; } = new();

    [Id(4)] public StrategySpec Strategy { get; init; } = new();
}

[GenerateSerializer, Immutable, Alias("statefulspot.launch-specification")]
public sealed record LaunchSpecification
{
    [Id(0)] public required string ImageId { get; init; }

    [Id(1)] public required string InstanceType { get; init; }

    /// <summary>Root device of the image; defaults to /dev/xvda.</summary>
    [Id(2)] public string RootDeviceName { get; init; } = "/dev/xvda";

    /// <summary>Root volume size in GiB; defaults to 8.</summary>
    [Id(3)] public int RootVolumeSizeGiB { get; init; } = 8;

    /// <summary>Data volumes, kept across replacements according to <see cref="PersistenceSpec"/>.</summary>
    [Id(4)] public IReadOnlyList<DataVolumeSpec> DataVolumes { get; init; } = [];

    [Id(5)] public IReadOnlyList<string> SecurityGroupIds { get; init; } = [];

    [Id(6)] public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

[GenerateSerializer, Immutable, Alias("statefulspot.data-volume-spec")]
public sealed record DataVolumeSpec
{
    /// <summary>Device name the volume is attached at, for example /dev/sdf.</summary>
    [Id(0)] public required string DeviceName { get; init; }

    [Id(1)] public required int SizeGiB { get; init; }

    /// <summary>EBS volume type; defaults to gp3.</summary>
    [Id(2)] public string VolumeType { get; init; } = "gp3";
}

[GenerateSerializer, Immutable, Alias("statefulspot.persistence-spec")]
public sealed record PersistenceSpec
{
    /// <summary>Launch every replacement with the same primary ENI, and so the same private IP.</summary>
    [Id(0)] public bool PersistPrivateIp { get; init; }

    /// <summary>Keep the data volumes across replacements.</summary>
    [Id(1)] public bool PersistBlockDevices { get; init; } = true;

    [Id(2)] public BlockDevicesMode BlockDevicesMode { get; init; } = BlockDevicesMode.Reattach;
}

public enum BlockDevicesMode
{
    /// <summary>The same EBS volumes are detached from the old instance and attached to the replacement.</summary>
    Reattach = 1,
}

[GenerateSerializer, Immutable, Alias("statefulspot.strategy-spec")]
public sealed record StrategySpec
{
    [Id(0)] public LifeCycle LifeCycle { get; init; } = LifeCycle.Spot;

    /// <summary>
    /// How long the old instance may keep serving after an interruption notice before we terminate it
    /// ourselves; never beyond the two-minute deadline. Null means: let EC2 take it at the deadline.
    /// </summary>
    [Id(1)] public TimeSpan? DrainingTimeout { get; init; }
}

public enum LifeCycle
{
    Spot = 1,
    OnDemand = 2,
}
