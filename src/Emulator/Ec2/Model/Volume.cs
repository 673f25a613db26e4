namespace StatefulSpot.Emulator.Ec2.Model;

/// <summary>EBS volume states.</summary>
internal enum VolumeState
{
    Creating = 0,
    Available = 1,
    InUse = 2,
    Deleting = 3,
    Deleted = 4,
    Error = 5,
}

/// <summary>Attachment states shared by volume and network-interface attachments.</summary>
internal enum AttachmentState
{
    Attaching = 0,
    Attached = 1,
    Detaching = 2,
    Detached = 3,
}

/// <summary>A volume's attachment to an instance.</summary>
internal sealed class VolumeAttachment
{
    /// <summary>Internal id that pins timed transitions to this attachment (EC2 volume attachments have no public id).</summary>
    public required string Reference { get; init; }

    public required string InstanceId { get; init; }

    public required string Device { get; init; }

    public AttachmentState State { get; set; }

    public DateTimeOffset AttachTime { get; init; }

    public bool DeleteOnTermination { get; set; }
}

/// <summary>An EBS volume.</summary>
internal sealed class Volume : ISequenced
{
    public required string VolumeId { get; init; }

    string ISequenced.Id => VolumeId;

    public long Sequence { get; init; }

    public int Size { get; init; }

    public required string VolumeType { get; init; }

    public int? Iops { get; init; }

    public int? Throughput { get; init; }

    public string? SnapshotId { get; init; }

    public required string AvailabilityZone { get; init; }

    public VolumeState State { get; set; }

    public DateTimeOffset CreateTime { get; init; }

    public bool Encrypted { get; init; }

    public string? ClientToken { get; init; }

    public Dictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);

    public VolumeAttachment? Attachment { get; set; }

    /// <summary>Fault: a detach (not forced) stays <c>detaching</c> until a forced detach or until faults are cleared.</summary>
    public bool StuckDetaching { get; set; }
}
