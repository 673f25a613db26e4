using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Grains.Volumes;

/// <summary>
/// A managed instance's per-device snapshots (tagged with a device): found by tag, pruned to a retention, deleted.
/// Used by the volume grain for its own device and by <see cref="UnheldVolumes"/> across the managed instance.
/// </summary>
internal static class DeviceSnapshots
{
    /// <summary>The per-device snapshots of the managed instance (of one device, when given), every page.</summary>
    public static async Task<IReadOnlyList<SnapshotFacts>> DescribeAsync(IEc2Api ec2, string managedInstanceId, string? deviceName,
        CancellationToken cancellationToken)
    {
        var snapshots = await Ec2Calls.AllPagesAsync(async nextToken =>
        {
            var page = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
            {
                OwnerIds = ["self"],
                Filters =
                [
                    new Filter($"tag:{TagKeys.ManagedInstance}", [managedInstanceId]),
                    deviceName is null ? new Filter("tag-key", [TagKeys.Device]) : new Filter($"tag:{TagKeys.Device}", [deviceName]),
                ],
                NextToken = nextToken,
            }, cancellationToken);
            return (page.Snapshots, page.NextToken);
        });
        return
        [
            .. snapshots.Select(s => (Snapshot: s, Device: (s.Tags ?? []).FirstOrDefault(t => t.Key == TagKeys.Device)?.Value))
                .Where(s => s.Device is not null)
                .Select(s => new SnapshotFacts(s.Snapshot.SnapshotId, s.Device!,
                    new DateTimeOffset(DateTime.SpecifyKind(s.Snapshot.StartTime ?? DateTime.MinValue, DateTimeKind.Utc)),
                    s.Snapshot.State?.Value == "completed")),
        ];
    }

    /// <summary>
    /// Every snapshot tagged with the managed instance, per device or not (a final root snapshot, one a lost answer
    /// made twice): what a delete with shouldDeleteSnapshots removes.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DescribeTaggedAsync(IEc2Api ec2, string managedInstanceId, CancellationToken cancellationToken) =>
    [
        .. (await Ec2Calls.AllPagesAsync(async nextToken =>
        {
            var page = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
            {
                OwnerIds = ["self"],
                Filters = [new Filter($"tag:{TagKeys.ManagedInstance}", [managedInstanceId])],
                NextToken = nextToken,
            }, cancellationToken);
            return (page.Snapshots, page.NextToken);
        })).Select(s => s.SnapshotId),
    ];

    /// <summary>Deletes the snapshots beyond <paramref name="retention"/> per device (see <see cref="SnapshotRules.Superseded"/>).</summary>
    public static async Task PruneAsync(IEc2Api ec2, IReadOnlyList<SnapshotFacts> snapshots, int retention, IReadOnlySet<string> inUse,
        IReadOnlySet<string>? aboutToTake, CancellationToken cancellationToken)
    {
        foreach (var snapshotId in SnapshotRules.Superseded(snapshots, retention, inUse, aboutToTake))
        {
            await DeleteAsync(ec2, snapshotId, cancellationToken);
        }
    }

    /// <summary>Deletes a snapshot: already gone, or still needed by an image (InUse), it is not ours to delete now.</summary>
    public static Task DeleteAsync(IEc2Api ec2, string snapshotId, CancellationToken cancellationToken) =>
        Ec2Calls.IgnoreNotFoundAsync(() => ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = snapshotId }, cancellationToken),
            Ec2ErrorKind.InUse);

    /// <summary>A snapshot of the volume, unless one carrying <paramref name="token"/> exists (CreateSnapshot takes no client token).</summary>
    public static async Task<Snapshot> FindOrCreateAsync(IEc2Api ec2, string volumeId, string token, string description,
        IReadOnlyDictionary<string, string> tags, bool findFirst, CancellationToken cancellationToken)
    {
        if (findFirst && (await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
            {
                OwnerIds = ["self"],
                Filters = [new Filter($"tag:{ResourceTags.Token}", [token])],
            }, cancellationToken)).Snapshots?.FirstOrDefault() is { } existing)
        {
            return existing;
        }

        var created = await ec2.CreateSnapshotAsync(new CreateSnapshotRequest
        {
            VolumeId = volumeId,
            Description = description,
            TagSpecifications = [ResourceTags.Specification(ResourceType.Snapshot, tags)],
        }, cancellationToken);
        return created.Snapshot;
    }
}
