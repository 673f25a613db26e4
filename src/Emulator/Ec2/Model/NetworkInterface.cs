namespace StatefulSpot.Emulator.Ec2.Model;

/// <summary>Network interface states.</summary>
internal enum NetworkInterfaceStatus
{
    Pending = 0,
    Available = 1,
    Attaching = 2,
    InUse = 3,
    Detaching = 4,
}

/// <summary>A network interface's attachment to an instance.</summary>
internal sealed class NetworkInterfaceAttachment
{
    public required string AttachmentId { get; init; }

    public required string InstanceId { get; init; }

    public int DeviceIndex { get; init; }

    public AttachmentState State { get; set; }

    public DateTimeOffset AttachTime { get; init; }

    public bool DeleteOnTermination { get; set; }
}

/// <summary>An elastic network interface with one private IPv4 address.</summary>
internal sealed class NetworkInterface
{
    public required string NetworkInterfaceId { get; init; }

    public long Sequence { get; init; }

    public required string SubnetId { get; init; }

    public required string VpcId { get; init; }

    public required string AvailabilityZone { get; init; }

    public required string PrivateIpAddress { get; init; }

    public required string MacAddress { get; init; }

    public string Description { get; set; } = "";

    public DateTimeOffset CreateTime { get; init; }

    public bool SourceDestCheck { get; set; } = true;

    public NetworkInterfaceStatus Status { get; set; }

    public List<string> SecurityGroupIds { get; set; } = [];

    public string? ClientToken { get; init; }

    public Dictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);

    public NetworkInterfaceAttachment? Attachment { get; set; }
}
