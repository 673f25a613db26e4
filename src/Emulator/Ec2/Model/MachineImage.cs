namespace StatefulSpot.Emulator.Ec2.Model;

/// <summary>Image states.</summary>
internal enum ImageState
{
    Pending = 0,
    Available = 1,
    Failed = 2,
}

/// <summary>A non-root EBS mapping of an image: created with every instance launched from it.</summary>
internal sealed record ImageBlockDevice(string DeviceName, string? SnapshotId, int VolumeSize, string VolumeType, bool DeleteOnTermination);

/// <summary>An EBS-backed machine image (AMI): what a launch needs to build the root volume and the image's other volumes.</summary>
internal sealed class MachineImage
{
    public required string ImageId { get; init; }

    public long Sequence { get; init; }

    public required string Name { get; init; }

    public string Description { get; init; } = "";

    public ImageState State { get; set; } = ImageState.Available;

    public string? StateReason { get; set; }

    /// <summary><c>amazon</c> for the world's images, null for the account's own.</summary>
    public string? OwnerAlias { get; init; }

    public required string RootDeviceName { get; init; }

    public int RootVolumeSize { get; init; }

    public string RootVolumeType { get; init; } = "gp3";

    public string? RootSnapshotId { get; init; }

    public bool RootDeleteOnTermination { get; init; } = true;

    public string Architecture { get; init; } = "x86_64";

    public string VirtualizationType { get; init; } = "hvm";

    public bool EnaSupport { get; init; } = true;

    public string? SourceInstanceId { get; init; }

    public DateTimeOffset CreationDate { get; init; }

    public List<ImageBlockDevice> AdditionalDevices { get; init; } = [];

    public Dictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Every snapshot the image refers to, root first.</summary>
    public IEnumerable<string> SnapshotIds =>
        new[] { RootSnapshotId }.Concat(AdditionalDevices.Select(d => d.SnapshotId)).OfType<string>();

    public static MachineImage FromWorld(ImageDefinition image) => new()
    {
        ImageId = image.ImageId,
        Name = image.Name,
        OwnerAlias = image.OwnerAlias,
        Architecture = image.Architecture,
        RootDeviceName = image.RootDeviceName,
        RootVolumeSize = image.RootVolumeSize,
        RootVolumeType = image.RootVolumeType,
        RootSnapshotId = image.RootSnapshotId,
        CreationDate = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };
}
