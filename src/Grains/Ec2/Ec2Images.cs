using Amazon.EC2.Model;

namespace StatefulSpot.Grains.Ec2;

/// <summary>
/// Images (root images, an import's image) and the snapshots that belong to them. A snapshot an image was registered
/// from is no volume's: it goes with its image, here, rather than through a volume grain.
/// </summary>
public static class Ec2Images
{
    /// <summary>Our image of that name, if one was registered (the stand-in for a client token).</summary>
    public static async Task<string?> FindByNameAsync(IEc2Api ec2, string name, CancellationToken cancellationToken) =>
        (await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"], Filters = [new Filter("name", [name])] }, cancellationToken))
            .Images?.FirstOrDefault()?.ImageId;

    /// <summary>
    /// Every image tagged with the managed instance, with the snapshots it was registered from: a delete that removes
    /// images removes these too, the ones no state recorded (a RegisterImage whose answer was lost) included.
    /// </summary>
    public static async Task<IReadOnlyList<(string ImageId, IReadOnlyList<string> SnapshotIds)>> TaggedAsync(IEc2Api ec2, string managedInstanceId,
        CancellationToken cancellationToken) =>
    [
        .. ((await ec2.DescribeImagesAsync(new DescribeImagesRequest
        {
            Owners = ["self"],
            Filters = [new Filter($"tag:{TagKeys.ManagedInstance}", [managedInstanceId])],
        }, cancellationToken)).Images ?? [])
        .Select(i => (i.ImageId, (IReadOnlyList<string>)[.. (i.BlockDeviceMappings ?? []).Select(b => b.Ebs?.SnapshotId).OfType<string>()])),
    ];

    public static async Task<Image?> DescribeAsync(IEc2Api ec2, string imageId, CancellationToken cancellationToken) =>
        (await ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [imageId] }, cancellationToken)).Images?.FirstOrDefault();

    /// <summary>Deregisters an image and then deletes its snapshot (when given); either already gone is done.</summary>
    public static async Task DeleteAsync(IEc2Api ec2, string imageId, string? snapshotId, CancellationToken cancellationToken)
    {
        await Ec2Calls.IgnoreNotFoundAsync(() => ec2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = imageId }, cancellationToken));
        if (snapshotId is not null)
        {
            await Ec2Calls.IgnoreNotFoundAsync(() => ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = snapshotId }, cancellationToken));
        }
    }

    /// <summary>The volume each of an image's snapshots was taken from (by snapshot id).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> SnapshotSourcesAsync(IEc2Api ec2, IReadOnlyList<string> snapshotIds,
        CancellationToken cancellationToken) =>
        snapshotIds.Count == 0
            ? new Dictionary<string, string>()
            : ((await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [.. snapshotIds] }, cancellationToken)).Snapshots ?? [])
                .Where(s => s.VolumeId is not null).ToDictionary(s => s.SnapshotId, s => s.VolumeId, StringComparer.Ordinal);
}
