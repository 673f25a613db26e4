using Microsoft.Extensions.Logging;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Ec2.Gateway;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.Telemetry;
using StatefulSpot.Grains.Volumes;

namespace StatefulSpot.Grains.Reconciliation;

/// <summary>
/// One sweep of <see cref="UnrecordedArtifacts"/>: list the account's tagged images and root snapshots a page at a
/// time, ask each registered owner which it does not record, and delete those (an image with the snapshots it was
/// registered from; a snapshot any listed image still uses is kept).
/// </summary>
internal sealed partial class ArtifactSweep(IEc2Api ec2, IGrainFactory grains, StatefulSpotMetrics metrics, ILogger logger)
{
    public async Task<IReadOnlyList<string>> RunAsync(IReadOnlySet<string> registered, DateTimeOffset now, TimeSpan grace, CancellationToken cancellationToken)
    {
        using var priority = Ec2CallContext.Use(Ec2CallPriority.Background, DateTimeOffset.MaxValue);
        var images = await UnrecordedArtifacts.ImagesAsync(ec2, cancellationToken);
        var snapshots = await UnrecordedArtifacts.RootSnapshotsAsync(ec2, cancellationToken);
        var candidates = UnrecordedArtifacts.ByOwner(images.Concat(snapshots), registered, now, grace);
        var imageIds = images.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var deleteImages = new List<TaggedArtifact>();
        var deleteSnapshots = new HashSet<string>(StringComparer.Ordinal);
        foreach (var owned in candidates)
        {
            var unrecorded = await grains.GetGrain<IManagedInstanceGrain>(owned.Key).UnrecordedArtifactsAsync(
                [.. owned.Where(a => imageIds.Contains(a.Id)).Select(a => a.Id)], [.. owned.Where(a => !imageIds.Contains(a.Id)).Select(a => a.Id)],
                cancellationToken);
            deleteImages.AddRange(owned.Where(a => unrecorded.ImageIds.Contains(a.Id)));
            deleteSnapshots.UnionWith(unrecorded.SnapshotIds);
        }

        // A snapshot an image that stays was registered from stays with it; those of the images going, go with them.
        var going = deleteImages.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        deleteSnapshots.ExceptWith(images.Where(i => !going.Contains(i.Id)).SelectMany(i => i.SnapshotIds));
        var deleted = new List<string>();
        foreach (var image in deleteImages)
        {
            LogUnrecorded("image", image.Id, image.Owner);
            await Ec2Calls.IgnoreNotFoundAsync(() => ec2.DeregisterImageAsync(new Amazon.EC2.Model.DeregisterImageRequest { ImageId = image.Id }, cancellationToken));
            deleted.Add(image.Id);
            deleteSnapshots.UnionWith(image.SnapshotIds.Where(s => snapshots.Any(r => r.Id == s)));
        }

        foreach (var snapshotId in deleteSnapshots)
        {
            LogUnrecorded("snapshot", snapshotId, snapshots.FirstOrDefault(s => s.Id == snapshotId)?.Owner ?? "?");
            await DeviceSnapshots.DeleteAsync(ec2, snapshotId, cancellationToken);
            deleted.Add(snapshotId);
        }

        metrics.UnrecordedArtifactsDeleted(deleted.Count);
        return deleted;
    }

    [LoggerMessage(4, LogLevel.Warning, "Deleting {Kind} {Id}, tagged for managed instance {ManagedInstanceId}: its state does not record it")]
    private partial void LogUnrecorded(string kind, string id, string managedInstanceId);
}
