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

/// <summary>An elastic network interface: its primary private IPv4 address and any secondary ones.</summary>
internal sealed class NetworkInterface
{
    public required string NetworkInterfaceId { get; init; }

    public long Sequence { get; init; }

    public required string SubnetId { get; init; }

    public required string VpcId { get; init; }

    public required string AvailabilityZone { get; init; }

    /// <summary>The primary private IPv4 address, fixed for the interface's life.</summary>
    public required string PrivateIpAddress { get; init; }

    /// <summary>Secondary private IPv4 addresses in the order they were assigned (AssignPrivateIpAddresses moves them between interfaces).</summary>
    public List<string> SecondaryPrivateIpAddresses { get; init; } = [];

    /// <summary>Every private IPv4 address: the primary first, then the secondaries.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<string> PrivateIpAddresses => SecondaryPrivateIpAddresses.Prepend(PrivateIpAddress);

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
