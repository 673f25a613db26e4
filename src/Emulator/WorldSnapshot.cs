namespace StatefulSpot.Emulator;

/// <summary>A consistent picture of the emulated world at <paramref name="TakenAt"/> (the same as <c>GET /_emulator/world</c>).</summary>
public sealed record WorldSnapshot(
    DateTimeOffset TakenAt,
    IReadOnlyList<InstanceInfo> Instances,
    IReadOnlyList<VolumeInfo> Volumes,
    IReadOnlyList<NetworkInterfaceInfo> NetworkInterfaces,
    IReadOnlyList<QueueInfo> Queues);

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
    DateTimeOffset? InterruptionTime);

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
    IReadOnlyDictionary<string, string> Tags);

/// <summary>A network interface's attachment.</summary>
public sealed record NetworkInterfaceAttachmentInfo(string AttachmentId, string InstanceId, int DeviceIndex, string Status, bool DeleteOnTermination);

/// <summary>A queue: messages receivable now, received and not yet visible again, and delayed.</summary>
public sealed record QueueInfo(string Name, string Url, int Visible, int InFlight, int Delayed);
