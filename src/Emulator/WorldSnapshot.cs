namespace StatefulSpot.Emulator;

/// <summary>A consistent picture of the emulated world at <paramref name="TakenAt"/> (the same as <c>GET /_emulator/world</c>).</summary>
public sealed record WorldSnapshot(
    DateTimeOffset TakenAt,
    IReadOnlyList<InstanceInfo> Instances,
    IReadOnlyList<VolumeInfo> Volumes,
    IReadOnlyList<NetworkInterfaceInfo> NetworkInterfaces,
    IReadOnlyList<QueueInfo> Queues)
{
    /// <summary>EBS snapshots, the world's image snapshots included.</summary>
    public IReadOnlyList<SnapshotInfo> Snapshots { get; init; } = [];

    /// <summary>Images, the world's included.</summary>
    public IReadOnlyList<ImageInfo> Images { get; init; } = [];

    /// <summary>Elastic IPs.</summary>
    public IReadOnlyList<AddressInfo> Addresses { get; init; } = [];

    /// <summary>Every (instance type, zone, market) pool with its capacity and use.</summary>
    public IReadOnlyList<CapacityPoolInfo> Capacity { get; init; } = [];

    /// <summary>The time scale in force.</summary>
    public double TimeScale { get; init; }

    /// <summary>Throttling settings and how many calls were throttled.</summary>
    public ThrottlingInfo? Throttling { get; init; }

    /// <summary>The simulated durations the emulator was configured with, at time scale 1 (before <see cref="TimeScale"/> multiplies them).</summary>
    public DurationsInfo? Durations { get; init; }
}

/// <summary>
/// An instance. <paramref name="Market"/> is <c>spot</c> or <c>on-demand</c>; <paramref name="StateReason"/> is the EC2
/// state-reason code (e.g. <c>Server.SpotInstanceTermination</c>). A terminated instance has no interfaces, block
/// devices or private IP, as in EC2.
/// </summary>
public sealed record InstanceInfo(
    string InstanceId,
    string State,
    string InstanceType,
    string ImageId,
    string Market,
    string AvailabilityZone,
    string SubnetId,
    string? PrivateIpAddress,
    IReadOnlyList<string> NetworkInterfaceIds,
    IReadOnlyList<BlockDeviceInfo> BlockDevices,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset LaunchTime,
    string? StateReason,
    DateTimeOffset? InterruptionNoticeTime,
    DateTimeOffset? InterruptionTime)
{
    /// <summary>The Elastic IP on the primary interface, if any.</summary>
    public string? PublicIpAddress { get; init; }

    /// <summary>When a rebalance recommendation was issued, if any.</summary>
    public DateTimeOffset? RebalanceRecommendationTime { get; init; }

    /// <summary>When an interruption warning is scheduled to follow a rebalance recommendation, if one is.</summary>
    public DateTimeOffset? ScheduledWarningTime { get; init; }

    /// <summary>Termination protection.</summary>
    public bool DisableApiTermination { get; init; }
}

/// <summary>A volume attached to an instance, by device name.</summary>
public sealed record BlockDeviceInfo(string DeviceName, string VolumeId, string Status, bool DeleteOnTermination);

/// <summary>An EBS volume; <paramref name="Attachments"/> is empty or holds its single attachment.</summary>
public sealed record VolumeInfo(
    string VolumeId,
    string AvailabilityZone,
    string State,
    int Size,
    string VolumeType,
    string? SnapshotId,
    IReadOnlyList<VolumeAttachmentInfo> Attachments,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>A volume's attachment.</summary>
public sealed record VolumeAttachmentInfo(string InstanceId, string Device, string State, bool DeleteOnTermination);

/// <summary>A network interface and its primary private IP.</summary>
public sealed record NetworkInterfaceInfo(
    string NetworkInterfaceId,
    string SubnetId,
    string AvailabilityZone,
    string PrivateIpAddress,
    string Status,
    NetworkInterfaceAttachmentInfo? Attachment,
    IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>The secondary private IPs, in the order they were assigned.</summary>
    public IReadOnlyList<string> SecondaryPrivateIpAddresses { get; init; } = [];
}

/// <summary>A network interface's attachment.</summary>
public sealed record NetworkInterfaceAttachmentInfo(string AttachmentId, string InstanceId, int DeviceIndex, string Status, bool DeleteOnTermination);

/// <summary>A queue: messages receivable now, received and not yet visible again, and delayed.</summary>
public sealed record QueueInfo(string Name, string Url, int Visible, int InFlight, int Delayed);

/// <summary>An EBS snapshot; <paramref name="Progress"/> is EC2's <c>NN%</c>; <paramref name="OwnerAlias"/> is <c>amazon</c> for the world's.</summary>
public sealed record SnapshotInfo(
    string SnapshotId,
    string VolumeId,
    string State,
    string Progress,
    int VolumeSize,
    DateTimeOffset StartTime,
    DateTimeOffset? CompletionTime,
    string? OwnerAlias,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>An image and the snapshots it uses (root first).</summary>
public sealed record ImageInfo(
    string ImageId,
    string Name,
    string State,
    string RootDeviceName,
    IReadOnlyList<string> SnapshotIds,
    string? SourceInstanceId,
    string? OwnerAlias,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>An Elastic IP and, when associated, the interface (and instance) holding it.</summary>
public sealed record AddressInfo(
    string AllocationId,
    string PublicIp,
    string? AssociationId,
    string? NetworkInterfaceId,
    string? InstanceId,
    string? PrivateIpAddress,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>A capacity pool: <paramref name="Capacity"/> null is unlimited; <paramref name="InUse"/> counts instances holding it.</summary>
public sealed record CapacityPoolInfo(string InstanceType, string AvailabilityZone, string Market, int? Capacity, int InUse);

/// <summary>
/// Throttling settings and, per action since start or the last <see cref="AwsEmulator.ResetThrottlingCounters"/>, the EC2
/// calls throttled and <paramref name="Calls"/>: every call of a known action received, throttled or not, SDK retries
/// included (each attempt is a call).
/// </summary>
public sealed record ThrottlingInfo(
    bool Enabled, double Scale, bool RefillOnSimulatedClock, IReadOnlyDictionary<string, long> ThrottledCalls, IReadOnlyDictionary<string, long> Calls);

/// <summary>
/// The simulated EC2 durations of <see cref="EmulatorOptions"/> in seconds at time scale 1: how long a call answers or
/// a transition takes before the time scale in force multiplies it (e.g. for a benchmark's lower bound of a recovery).
/// </summary>
public sealed record DurationsInfo(
    double ApiCallLatencySeconds,
    double RunInstancesCallLatencySeconds,
    double InstancePendingSeconds,
    double InstanceShuttingDownSeconds,
    double InstanceStoppingSeconds,
    double VolumeCreatingSeconds,
    double VolumeAttachingSeconds,
    double VolumeDetachingSeconds,
    double NetworkInterfacePendingSeconds,
    double NetworkInterfaceAttachmentSeconds,
    double FirstSnapshotSeconds,
    double IncrementalSnapshotSeconds,
    double ImageAvailableSeconds,
    double InterruptionNoticeLeadSeconds)
{
    /// <summary>The durations of <paramref name="options"/>.</summary>
    public static DurationsInfo Of(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(
            options.ApiCallLatency.TotalSeconds,
            options.RunInstancesCallLatency.TotalSeconds,
            options.InstancePendingDuration.TotalSeconds,
            options.InstanceShuttingDownDuration.TotalSeconds,
            options.InstanceStoppingDuration.TotalSeconds,
            options.VolumeCreatingDuration.TotalSeconds,
            options.VolumeAttachingDuration.TotalSeconds,
            options.VolumeDetachingDuration.TotalSeconds,
            options.NetworkInterfacePendingDuration.TotalSeconds,
            options.NetworkInterfaceAttachmentDuration.TotalSeconds,
            options.FirstSnapshotDuration.TotalSeconds,
            options.IncrementalSnapshotDuration.TotalSeconds,
            options.ImageAvailableDuration.TotalSeconds,
            options.InterruptionNoticeLead.TotalSeconds);
    }
}
