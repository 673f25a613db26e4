using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Grains.Reconciliation;

/// <summary>An image or root snapshot tagged with a managed instance, as the sweep lists it.</summary>
public sealed record TaggedArtifact(string Id, string Owner, DateTimeOffset CreatedAt, IReadOnlyList<string> SnapshotIds);

/// <summary>
/// Images and root snapshots tagged as ours that no state records: a RegisterImage or CreateSnapshot whose answer was
/// lost and was made again, a final snapshot of an operation that failed. Per-device snapshots (tagged with their
/// device) are not swept: each volume's retention prunes them. Listed a page at a time for the whole account, so a
/// sweep costs pages, not managed instances.
/// </summary>
public static class UnrecordedArtifacts
{
    /// <summary>Every image we own tagged with a managed instance, with the snapshots it was registered from.</summary>
    public static async Task<IReadOnlyList<TaggedArtifact>> ImagesAsync(IEc2Api ec2, CancellationToken cancellationToken) =>
    [
        .. (await Ec2Calls.AllPagesAsync(async nextToken =>
        {
            var page = await ec2.DescribeImagesAsync(new DescribeImagesRequest
            {
                Owners = ["self"],
                Filters = [new Filter("tag-key", [TagKeys.ManagedInstance])],
                NextToken = nextToken,
            }, cancellationToken);
            return (page.Images, page.NextToken);
        }))
        .Where(i => OwnerOf(i.Tags) is not null)
        .Select(i => new TaggedArtifact(i.ImageId, OwnerOf(i.Tags)!, CreatedAt(i.CreationDate),
            [.. (i.BlockDeviceMappings ?? []).Select(b => b.Ebs?.SnapshotId).OfType<string>()])),
    ];

    /// <summary>Every snapshot we own tagged with a managed instance and no device: root and import snapshots.</summary>
    public static async Task<IReadOnlyList<TaggedArtifact>> RootSnapshotsAsync(IEc2Api ec2, CancellationToken cancellationToken) =>
    [
        .. (await Ec2Calls.AllPagesAsync(async nextToken =>
        {
            var page = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
            {
                OwnerIds = ["self"],
                Filters = [new Filter("tag-key", [TagKeys.ManagedInstance])],
                NextToken = nextToken,
            }, cancellationToken);
            return (page.Snapshots, page.NextToken);
        }))
        .Where(s => OwnerOf(s.Tags) is not null && !(s.Tags ?? []).Any(t => t.Key == TagKeys.Device))
        .Select(s => new TaggedArtifact(s.SnapshotId, OwnerOf(s.Tags)!,
            s.StartTime is { } started ? new DateTimeOffset(DateTime.SpecifyKind(started, DateTimeKind.Utc)) : DateTimeOffset.MaxValue, [])),
    ];

    /// <summary>
    /// The artifacts worth asking their owner about: older than <paramref name="grace"/> (EC2's lists are eventually
    /// consistent, and a step may be about to record it), of a registered managed instance. An owner this cluster never
    /// registered may be another StatefulSpot cluster's in the same account: its artifacts are never touched.
    /// </summary>
    public static IEnumerable<IGrouping<string, TaggedArtifact>> ByOwner(IEnumerable<TaggedArtifact> artifacts, IReadOnlySet<string> registered,
        DateTimeOffset now, TimeSpan grace) =>
        artifacts.Where(a => registered.Contains(a.Owner) && now - a.CreatedAt >= grace).GroupBy(a => a.Owner, StringComparer.Ordinal);

    /// <summary>
    /// Of <paramref name="imageIds"/> and <paramref name="snapshotIds"/>, those <paramref name="state"/> does not record
    /// (its root images and their snapshots, the latest device snapshots). Nothing while an
    /// operation runs (it may be about to record one), nor for a deleted managed instance (a delete that kept its images
    /// and snapshots kept them on purpose).
    /// </summary>
    public static (IReadOnlyList<string> Images, IReadOnlyList<string> Snapshots) Of(ManagedInstanceState state,
        IReadOnlyList<string> imageIds, IReadOnlyList<string> snapshotIds)
    {
        if (state.Spec is null || state.Status == ManagedInstanceStatus.Deleted || state.Operation is not null)
        {
            return ([], []);
        }

        var images = state.RootImages.Select(i => i.ImageId).ToHashSet(StringComparer.Ordinal);
        var snapshots = state.RootImages.Select(i => i.SnapshotId).Concat(state.LatestSnapshots.Select(s => s.SnapshotId)).ToHashSet(StringComparer.Ordinal);
        return ([.. imageIds.Where(id => !images.Contains(id))], [.. snapshotIds.Where(id => !snapshots.Contains(id))]);
    }

    private static string? OwnerOf(List<Tag>? tags) => tags?.FirstOrDefault(t => t.Key == TagKeys.ManagedInstance)?.Value;

    private static DateTimeOffset CreatedAt(string? creationDate) =>
        DateTimeOffset.TryParse(creationDate, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var created)
            ? created
            : DateTimeOffset.MaxValue;
}
