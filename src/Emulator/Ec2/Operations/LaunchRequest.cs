namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>One <c>NetworkInterface.N</c> of a launch: an existing interface, or a new one in a subnet.</summary>
internal sealed record LaunchInterface(
    int? DeviceIndex, string? NetworkInterfaceId, string? SubnetId, string? PrivateIpAddress, bool? DeleteOnTermination,
    string? Description, IReadOnlyList<string> SecurityGroupIds);

/// <summary>One <c>BlockDeviceMapping.N</c> of a launch.</summary>
internal sealed record LaunchBlockDevice(
    string? DeviceName, bool NoDevice, bool HasEbs, int? VolumeSize, string? VolumeType, bool? DeleteOnTermination,
    string? SnapshotId, int? Iops, int? Throughput, bool? Encrypted);

/// <summary>RunInstances' parameters, as the rules need them.</summary>
internal sealed record LaunchRequest
{
    public string? ImageId { get; init; }

    public string? InstanceType { get; init; }

    public int? MinCount { get; init; }

    public int? MaxCount { get; init; }

    public string? SubnetId { get; init; }

    public string? AvailabilityZone { get; init; }

    public string? PrivateIpAddress { get; init; }

    public string? KeyName { get; init; }

    public IReadOnlyList<string> SecurityGroupIds { get; init; } = [];

    public IReadOnlyList<LaunchInterface> NetworkInterfaces { get; init; } = [];

    public IReadOnlyList<LaunchBlockDevice> BlockDevices { get; init; } = [];

    public string? MarketType { get; init; }

    public string? SpotInstanceType { get; init; }

    public string? InterruptionBehavior { get; init; }

    public IReadOnlyDictionary<string, Dictionary<string, string>> Tags { get; init; } = new Dictionary<string, Dictionary<string, string>>();

    public string? ClientToken { get; init; }

    public bool DisableApiTermination { get; init; }

    /// <summary>Canonical form of every parameter but the token, to detect a token reused with other parameters.</summary>
    public string Fingerprint { get; init; } = "";
}

/// <summary>The reservation a launch created (or, for a replayed ClientToken, created earlier).</summary>
internal sealed record LaunchResult(string ReservationId, IReadOnlyList<Model.Instance> Instances);
