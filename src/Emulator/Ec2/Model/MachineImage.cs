namespace StatefulSpot.Emulator.Ec2.Model;

/// <summary>An EBS-backed machine image (AMI): what a launch needs to build the root volume.</summary>
internal sealed class MachineImage
{
    public required string ImageId { get; init; }

    public required string Name { get; init; }

    public required string RootDeviceName { get; init; }

    public int RootVolumeSize { get; init; }

    public string RootVolumeType { get; init; } = "gp3";

    public string? RootSnapshotId { get; init; }

    public string Architecture { get; init; } = "x86_64";

    public DateTimeOffset CreationDate { get; init; }

    public static MachineImage Default() => new()
    {
        ImageId = DefaultWorld.ImageId,
        Name = "statefulspot-emulator-default",
        RootDeviceName = DefaultWorld.RootDeviceName,
        RootVolumeSize = DefaultWorld.RootVolumeSizeGiB,
        CreationDate = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };
}
