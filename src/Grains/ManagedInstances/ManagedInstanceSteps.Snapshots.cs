using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// Data volumes in onLaunch mode, and continuous snapshots. Once the old instance is gone and its volumes are
/// <c>available</c>, each data volume gets a final (crash-consistent) snapshot; the replacement's launch block-device
/// mapping builds new volumes from those snapshots, and the old volumes go once it runs. In the background, the root
/// (persistRootDevice) and onLaunch data volumes are snapshotted every interval, keeping the newest few per device.
/// </summary>
public sealed partial class ManagedInstanceSteps
{
    private async Task<StepResult> SnapshotVolumesAsync(StepContext context)
    {
        if (!SnapshotRules.BuildsVolumesOnLaunch(context.Spec))
        {
            return StepResult.Done(context.State);
        }

        var taken = await TakeFinalSnapshotsAsync(context, context.State.Volumes.Where(v => v.VolumeId is not null), "final",
            $"final, generation {context.State.Generation}");
        return StepResult.Done(context.State with { Operation = context.Operation with { VolumeSnapshots = taken } });
    }

    /// <summary>
    /// A final snapshot of each volume that has none in this operation yet. CreateSnapshot has no client token: a tag
    /// stands in for one and is looked for before creating; each snapshot is remembered in the cursor as soon as it exists.
    /// </summary>
    private async Task<IReadOnlyList<DeviceSnapshot>> TakeFinalSnapshotsAsync(StepContext context, IEnumerable<VolumeView> volumes, string purpose,
        string description)
    {
        var taken = context.Operation.VolumeSnapshots.ToList();
        foreach (var volume in volumes.Where(v => taken.All(s => s.VolumeId != v.VolumeId)))
        {
            // The volume id is part of the token: a pause after a recycle of the same generation snapshots the new volume.
            var token = context.ClientToken($"{purpose}{volume.DeviceName.Replace('/', '-')}-{volume.VolumeId}");
            var snapshotId = await FindSnapshotByTokenAsync(token, context.CancellationToken)
                ?? await CreateSnapshotAsync(context.ManagedInstanceId, context.State.Generation, volume.VolumeId!, volume.DeviceName, token,
                    $"StatefulSpot {context.ManagedInstanceId} {volume.DeviceName}, {description}", context.CancellationToken);
            taken.Add(new DeviceSnapshot(volume.DeviceName, snapshotId, volume.VolumeId!));
            context.Store.State = context.State with { Operation = context.Operation with { VolumeSnapshots = [.. taken] } };
            await context.Store.WriteStateAsync(context.CancellationToken);
        }

        return taken;
    }

    private async Task<StepResult> WaitVolumeSnapshotsAsync(StepContext context)
    {
        var finals = context.Operation.VolumeSnapshots;
        if (finals.Count == 0)
        {
            return StepResult.Done(context.State);
        }

        var response = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [.. finals.Select(s => s.SnapshotId)] },
            context.CancellationToken);
        foreach (var final in finals)
        {
            var snapshot = (response.Snapshots ?? []).FirstOrDefault(s => s.SnapshotId == final.SnapshotId);
            switch (snapshot?.State?.Value)
            {
                case "completed":
                    continue;
                case "error":
                    throw new SagaStepFailedException($"the final snapshot {final.SnapshotId} of {final.DeviceName} failed: {snapshot.StateMessage}");
                default:
                    return StepResult.Wait($"final snapshot {final.SnapshotId} of {final.DeviceName} to complete (it is {snapshot?.State?.Value} {snapshot?.Progress})");
            }
        }

        // The data now lives in the snapshots: the next volumes come from them, and the old ones may go.
        return StepResult.Done(context.State with
        {
            LatestSnapshots = [.. context.State.LatestSnapshots.Where(s => finals.All(f => f.DeviceName != s.DeviceName)), .. finals],
            StaleVolumeIds = [.. context.State.StaleVolumeIds.Union(finals.Select(f => f.VolumeId), StringComparer.Ordinal)],
        });
    }

    /// <summary>
    /// Reattach across an AZ change: a reattached volume left in another AZ than the new instance gets a final snapshot
    /// and is rebuilt from it in the instance's AZ; the old volume is deleted at cleanup.
    /// </summary>
    private async Task<StepResult> RelocateVolumesAsync(StepContext context)
    {
        var zone = context.State.AvailabilityZone!;
        var moving = context.State.Volumes.Where(v => v.VolumeId is not null && v.AvailabilityZone is not null && v.AvailabilityZone != zone).ToList();
        if (!SnapshotRules.ReattachesVolumes(context.Spec) || moving.Count == 0)
        {
            return StepResult.Done(context.State);
        }

        var taken = await TakeFinalSnapshotsAsync(context, moving, "move", $"final before moving to {zone}");

        var finals = taken.Where(s => moving.Any(v => v.VolumeId == s.VolumeId)).ToList();
        var snapshots = (await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [.. finals.Select(s => s.SnapshotId)] },
            context.CancellationToken)).Snapshots ?? [];
        foreach (var final in finals)
        {
            var snapshot = snapshots.FirstOrDefault(s => s.SnapshotId == final.SnapshotId);
            if (snapshot?.State?.Value == "error")
            {
                throw new SagaStepFailedException($"the snapshot {final.SnapshotId} that moves {final.DeviceName} to {zone} failed: {snapshot.StateMessage}");
            }

            if (snapshot?.State?.Value != "completed")
            {
                return StepResult.Wait($"snapshot {final.SnapshotId} of {final.DeviceName} to complete before it moves to {zone} (it is {snapshot?.State?.Value} {snapshot?.Progress})");
            }
        }

        // The old ids are recorded before the volume grains take new volumes, so that whatever happens next deletes them.
        var stale = context.State.StaleVolumeIds.Union(finals.Select(f => f.VolumeId), StringComparer.Ordinal).ToList();
        context.Store.State = context.State with { StaleVolumeIds = stale };
        await context.Store.WriteStateAsync(context.CancellationToken);
        var volumes = new List<VolumeView>();
        foreach (var volume in context.State.Volumes)
        {
            var final = finals.FirstOrDefault(f => f.VolumeId == volume.VolumeId);
            var mapping = context.Spec.LaunchSpecification.BlockDeviceMappings.FirstOrDefault(b => b.DeviceName == volume.DeviceName);
            volumes.Add(final is null || mapping is null
                ? volume
                : await context.Volume(volume.DeviceName).RelocateAsync(
                    VolumeRequestFor(context, mapping, context.ClientToken("vol" + volume.DeviceName.Replace('/', '-') + "-" + zone)),
                    final.SnapshotId, context.CancellationToken));
        }

        return StepResult.Done(context.State with { Volumes = volumes, StaleVolumeIds = stale });
    }

    /// <summary>Deletes the data volumes captured in final snapshots and the snapshots beyond retention.</summary>
    private async Task<StepResult> CleanupVolumesAsync(StepContext context)
    {
        var current = context.State.Volumes.Select(v => v.VolumeId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var stale = context.State.StaleVolumeIds.ToHashSet(StringComparer.Ordinal);
        foreach (var volumeId in stale.Where(id => !current.Contains(id) || context.Operation.Kind == OperationKind.Pause))
        {
            await IgnoreNotFoundAsync(() => ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volumeId }, context.CancellationToken));
        }

        var kept = context.State.Volumes.Where(v => v.VolumeId is null || !stale.Contains(v.VolumeId)).ToList();
        await DeleteUntrackedVolumesAsync(context, kept.Select(v => v.VolumeId).OfType<string>());
        await PruneSnapshotsAsync(context.ManagedInstanceId, context.State, context.CancellationToken);
        return StepResult.Done(context.State with { StaleVolumeIds = [], Volumes = kept });
    }

    /// <summary>
    /// Deletes the managed instance's detached volumes that no state refers to: volumes a launch mapping created for an
    /// instance that died (or was given up) before it ran, so that nothing recorded them. They carry our tag.
    /// </summary>
    private async Task DeleteUntrackedVolumesAsync(StepContext context, IEnumerable<string> keep)
    {
        var tracked = keep.Append(context.State.RootVolumeId).Append(context.State.StaleRootVolumeId).OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        string? nextToken = null;
        do
        {
            var page = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest
            {
                Filters = [new Filter($"tag:{TagKeys.ManagedInstance}", [context.ManagedInstanceId]), new Filter("status", ["available"])],
                NextToken = nextToken,
            }, context.CancellationToken);
            foreach (var volume in (page.Volumes ?? []).Where(v => !tracked.Contains(v.VolumeId)))
            {
                await IgnoreNotFoundAsync(() => ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volume.VolumeId }, context.CancellationToken));
            }

            nextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(nextToken));
    }

    /// <summary>
    /// One continuous snapshot pass: a snapshot of each device that needs one and has none in progress, then pruning.
    /// The caller records the pass before calling, so a crash part-way does not start a second one at once.
    /// </summary>
    public async Task SnapshotContinuouslyAsync(string managedInstanceId, ManagedInstanceState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var spec = state.Spec!;
        var existing = await DescribeOwnSnapshotsAsync(managedInstanceId, cancellationToken);
        var inProgress = existing.Where(s => !s.Completed).Select(s => s.DeviceName).ToHashSet(StringComparer.Ordinal);
        var due = SnapshotRules.ContinuousDevices(spec, SnapshotRules.SpansZones(state))
            .Select(device => (Device: device, VolumeId: device == spec.LaunchSpecification.RootDeviceName
                ? state.RootVolumeId
                : state.Volumes.FirstOrDefault(v => v.DeviceName == device)?.VolumeId))
            .Where(d => d.VolumeId is not null && !inProgress.Contains(d.Device))
            .ToList();

        // Pruning first, leaving room for the new snapshots: a device never holds more than the retention.
        await PruneSnapshotsAsync(managedInstanceId, state, cancellationToken, existing, due.Select(d => d.Device).ToHashSet(StringComparer.Ordinal));
        foreach (var (device, volumeId) in due)
        {
            var token = $"{SagaPlan.ClientToken(managedInstanceId, state.Generation, "snap" + device.Replace('/', '-'))}-{now.ToUnixTimeSeconds()}";
            await CreateSnapshotAsync(managedInstanceId, state.Generation, volumeId!, device, token,
                $"StatefulSpot {managedInstanceId} {device}, continuous", cancellationToken);
        }
    }

    private async Task PruneSnapshotsAsync(string managedInstanceId, ManagedInstanceState state, CancellationToken cancellationToken,
        IReadOnlyList<SnapshotFacts>? known = null, IReadOnlySet<string>? aboutToTake = null)
    {
        var snapshots = known ?? await DescribeOwnSnapshotsAsync(managedInstanceId, cancellationToken);
        var inUse = state.LatestSnapshots.Select(s => s.SnapshotId).Concat(state.RootImages.Select(i => i.SnapshotId))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var snapshotId in SnapshotRules.Superseded(snapshots, state.Spec!.Snapshots.Retention, inUse, aboutToTake))
        {
            await DeleteSnapshotQuietlyAsync(snapshotId, cancellationToken);
        }
    }

    /// <summary>Deletes every per-device snapshot of the managed instance (delete with shouldDeleteSnapshots).</summary>
    private async Task DeleteDeviceSnapshotsAsync(string managedInstanceId, CancellationToken cancellationToken)
    {
        foreach (var snapshot in await DescribeOwnSnapshotsAsync(managedInstanceId, cancellationToken))
        {
            await DeleteSnapshotQuietlyAsync(snapshot.SnapshotId, cancellationToken);
        }
    }

    private async Task DeleteSnapshotQuietlyAsync(string snapshotId, CancellationToken cancellationToken)
    {
        try
        {
            await ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = snapshotId }, cancellationToken);
        }
        catch (AmazonEC2Exception exception) when (Ec2Errors.Classify(exception) is Ec2ErrorKind.NotFound or Ec2ErrorKind.InUse)
        {
            // Already gone, or an image still needs it: either way it is not ours to delete now.
        }
    }

    /// <summary>The managed instance's per-device snapshots (those tagged with a device), every page.</summary>
    private async Task<IReadOnlyList<SnapshotFacts>> DescribeOwnSnapshotsAsync(string managedInstanceId, CancellationToken cancellationToken)
    {
        var facts = new List<SnapshotFacts>();
        string? nextToken = null;
        do
        {
            var page = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
            {
                OwnerIds = ["self"],
                Filters = [new Filter($"tag:{TagKeys.ManagedInstance}", [managedInstanceId]), new Filter("tag-key", [TagKeys.Device])],
                NextToken = nextToken,
            }, cancellationToken);
            foreach (var snapshot in page.Snapshots ?? [])
            {
                var device = (snapshot.Tags ?? []).FirstOrDefault(t => t.Key == TagKeys.Device)?.Value;
                if (device is not null)
                {
                    facts.Add(new SnapshotFacts(snapshot.SnapshotId, device,
                        new DateTimeOffset(DateTime.SpecifyKind(snapshot.StartTime ?? DateTime.MinValue, DateTimeKind.Utc)),
                        snapshot.State?.Value == "completed"));
                }
            }

            nextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(nextToken));

        return facts;
    }

    private async Task<string?> FindSnapshotByTokenAsync(string token, CancellationToken cancellationToken)
    {
        var existing = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
        {
            OwnerIds = ["self"],
            Filters = [new Filter($"tag:{TokenTag}", [token])],
        }, cancellationToken);
        return existing.Snapshots?.FirstOrDefault()?.SnapshotId;
    }

    private async Task<string> CreateSnapshotAsync(string managedInstanceId, int generation, string volumeId, string deviceName, string token,
        string description, CancellationToken cancellationToken)
    {
        var created = await ec2.CreateSnapshotAsync(new CreateSnapshotRequest
        {
            VolumeId = volumeId,
            Description = description,
            TagSpecifications = [new TagSpecification
            {
                ResourceType = ResourceType.Snapshot,
                Tags =
                [
                    new Tag(TagKeys.ManagedInstance, managedInstanceId),
                    new Tag(TagKeys.Device, deviceName),
                    new Tag(TagKeys.Generation, generation.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new Tag(TokenTag, token),
                ],
            }],
        }, cancellationToken);
        return created.Snapshot.SnapshotId;
    }

    /// <summary>The volumes an onLaunch replacement booted with, adopted by their volume grains.</summary>
    private static async Task<IReadOnlyList<VolumeView>?> AdoptLaunchedVolumesAsync(StepContext context, Instance instance)
    {
        var volumes = new List<VolumeView>();
        foreach (var mapping in context.Spec.LaunchSpecification.BlockDeviceMappings)
        {
            var volumeId = (instance.BlockDeviceMappings ?? []).FirstOrDefault(b => b.DeviceName == mapping.DeviceName)?.Ebs?.VolumeId;
            if (volumeId is null)
            {
                return null;
            }

            volumes.Add(await context.Volume(mapping.DeviceName).AdoptAsync(volumeId, context.CancellationToken));
        }

        return volumes;
    }
}
