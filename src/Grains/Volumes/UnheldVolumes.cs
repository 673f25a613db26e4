using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;

namespace StatefulSpot.Grains.Volumes;

/// <summary>
/// A managed instance's volumes and snapshots that no volume grain holds any more: volumes replaced by a final
/// snapshot or a move to another AZ (stale), a previous root, volumes a launch mapping made for an instance that died
/// before anything recorded them, and per-device snapshots across devices (pruning, delete). A volume a grain holds
/// is only ever touched through that grain; these are swept here, next to it.
/// </summary>
public sealed class UnheldVolumes(IEc2Api ec2, string managedInstanceId)
{
    /// <summary>Deletes volumes by id; one already gone is done.</summary>
    public async Task DeleteAsync(IEnumerable<string> volumeIds, CancellationToken cancellationToken)
    {
        foreach (var volumeId in volumeIds)
        {
            await Ec2Calls.IgnoreNotFoundAsync(() => ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volumeId }, cancellationToken));
        }
    }

    /// <summary>Deletes the managed instance's detached (tagged, available) volumes outside <paramref name="tracked"/>.</summary>
    public async Task DeleteUntrackedAsync(IReadOnlySet<string> tracked, CancellationToken cancellationToken)
    {
        var available = await Ec2Calls.AllPagesAsync(async nextToken =>
        {
            var page = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest
            {
                Filters = [new Filter($"tag:{TagKeys.ManagedInstance}", [managedInstanceId]), new Filter("status", ["available"])],
                NextToken = nextToken,
            }, cancellationToken);
            return (page.Volumes, page.NextToken);
        });
        await DeleteAsync(available.Select(v => v.VolumeId).Where(id => !tracked.Contains(id)), cancellationToken);
    }

    /// <summary>Prunes every device's snapshots to <paramref name="retention"/>, sparing those <paramref name="inUse"/>.</summary>
    public async Task PruneDeviceSnapshotsAsync(int retention, IReadOnlySet<string> inUse, CancellationToken cancellationToken) =>
        await DeviceSnapshots.PruneAsync(ec2, await DeviceSnapshots.DescribeAsync(ec2, managedInstanceId, null, cancellationToken), retention, inUse,
            aboutToTake: null, cancellationToken);

    /// <summary>Delete with shouldDeleteSnapshots: every per-device snapshot, and <paramref name="alsoDelete"/>.</summary>
    public async Task DeleteDeviceSnapshotsAsync(IReadOnlyList<string> alsoDelete, CancellationToken cancellationToken)
    {
        var all = await DeviceSnapshots.DescribeTaggedAsync(ec2, managedInstanceId, cancellationToken);
        foreach (var snapshotId in all.Concat(alsoDelete).Distinct(StringComparer.Ordinal))
        {
            await DeviceSnapshots.DeleteAsync(ec2, snapshotId, cancellationToken);
        }
    }

    /// <summary>Volumes of an instance that is not ours yet (an import's original), as EC2 describes them.</summary>
    public static async Task<IReadOnlyList<Volume>> DescribeForeignAsync(IEc2Api ec2, IReadOnlyList<string> volumeIds, CancellationToken cancellationToken) =>
        volumeIds.Count == 0
            ? []
            : (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [.. volumeIds] }, cancellationToken)).Volumes ?? [];
}
