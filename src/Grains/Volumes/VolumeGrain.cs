using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.Volumes;

[GenerateSerializer, Alias("statefulspot.volume-state")]
public sealed record VolumeState
{
    [Id(0)] public string? VolumeId { get; init; }
    [Id(1)] public string? AvailabilityZone { get; init; }
}

/// <summary>
/// One persisted EBS volume (key <c>smi-…/&lt;device&gt;</c>, or <c>smi-…/root</c> for the root volume, adopted at each
/// launch) and its snapshots. Non-reentrant: EC2 calls on the volume run one at a time.
/// </summary>
// Idle between operations (hours to weeks): collected soon after, so that a fleet's resource grains do not stay in memory.
[CollectionAgeLimit(Minutes = 2)]
public sealed class VolumeGrain(
    [PersistentState("volume", StorageNames.Instances)] IPersistentState<VolumeState> store,
    IEc2Api ec2) : Grain, IVolumeGrain
{
    private VolumeView? _last;

    private string DeviceName => ResourceKeys.Resource(this.GetPrimaryKeyString());

    private string ManagedInstanceId => ResourceKeys.ManagedInstance(this.GetPrimaryKeyString());

    public async Task<VolumeView> EnsureCreatedAsync(VolumeRequest request, CancellationToken cancellationToken = default)
    {
        if (store.State.VolumeId is not null)
        {
            return await RefreshAsync(cancellationToken);
        }

        return await CreateAsync(request, snapshotId: null, cancellationToken);
    }

    public async Task<VolumeView> RelocateAsync(VolumeRequest request, string snapshotId, CancellationToken cancellationToken = default)
    {
        if (store.State.VolumeId is not null && store.State.AvailabilityZone == request.AvailabilityZone)
        {
            return await RefreshAsync(cancellationToken);
        }

        return await CreateAsync(request, snapshotId, cancellationToken);
    }

    private async Task<VolumeView> CreateAsync(VolumeRequest request, string? snapshotId, CancellationToken cancellationToken)
    {
        var response = await ec2.CreateVolumeAsync(new CreateVolumeRequest
        {
            SnapshotId = snapshotId ?? request.SnapshotId,
            AvailabilityZone = request.AvailabilityZone,
            Size = request.SizeGiB,
            VolumeType = VolumeType.FindValue(request.VolumeType),
            Iops = request.Iops,
            Throughput = request.Throughput,
            ClientToken = request.ClientToken,
            TagSpecifications = [ResourceTags.Specification(ResourceType.Volume, request.Tags)],
        }, cancellationToken);
        store.State = new VolumeState { VolumeId = response.Volume.VolumeId, AvailabilityZone = response.Volume.AvailabilityZone };
        await store.WriteStateAsync(cancellationToken);
        return Remember(response.Volume);
    }

    public async Task<VolumeView> AttachAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var current = await RefreshAsync(cancellationToken);
        if (current.AttachedInstanceId == instanceId || current.State == "creating")
        {
            // Attached already, or not yet attachable: the caller waits on what it sees.
            return current;
        }

        var response = await ec2.AttachVolumeAsync(new AttachVolumeRequest
        {
            VolumeId = RequireVolumeId(),
            InstanceId = instanceId,
            Device = DeviceName,
        }, cancellationToken);
        return _last = current with
        {
            State = "in-use",
            AttachedInstanceId = response.Attachment?.InstanceId ?? instanceId,
            AttachmentState = response.Attachment?.State?.Value ?? "attaching",
        };
    }

    public async Task<VolumeView> DetachAsync(string instanceId, bool force, CancellationToken cancellationToken = default)
    {
        var current = await RefreshAsync(cancellationToken);
        if (current.AttachedInstanceId != instanceId || (current.AttachmentState == "detaching" && !force))
        {
            return current;
        }

        try
        {
            var response = await ec2.DetachVolumeAsync(new DetachVolumeRequest
            {
                VolumeId = RequireVolumeId(),
                InstanceId = instanceId,
                Force = force ? true : null,
            }, cancellationToken);
            return _last = current with { AttachmentState = response.Attachment?.State?.Value ?? "detaching" };
        }
        catch (AmazonEC2Exception exception) when (exception.ErrorCode is "IncorrectState" or "InvalidAttachment.NotFound")
        {
            // Detached in the meantime (the instance went): as EC2 now has it.
            return await RefreshAsync(cancellationToken);
        }
    }

    public async Task<VolumeView> AdoptAsync(string volumeId, CancellationToken cancellationToken = default)
    {
        // Described first: the id and the AZ are written together, or not at all.
        var volume = (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volumeId] }, cancellationToken)).Volumes?.FirstOrDefault()
            ?? throw new InvalidOperationException($"EC2 returned no volume {volumeId}.");
        if (store.State.VolumeId != volumeId || store.State.AvailabilityZone != volume.AvailabilityZone)
        {
            store.State = new VolumeState { VolumeId = volumeId, AvailabilityZone = volume.AvailabilityZone };
            await store.WriteStateAsync(cancellationToken);
        }

        return Remember(volume);
    }

    public async Task<VolumeView> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var response = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [RequireVolumeId()] }, cancellationToken);
        var volume = (response.Volumes ?? []).FirstOrDefault()
            ?? throw new InvalidOperationException($"EC2 returned no volume {store.State.VolumeId}.");
        return Remember(volume);
    }

    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        if (store.State.VolumeId is not { } volumeId)
        {
            return;
        }

        await Ec2Calls.IgnoreNotFoundAsync(() => ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volumeId }, cancellationToken));

        _last = null;
        await store.ClearStateAsync(cancellationToken);
    }

    public Task DeleteFormerAsync(string volumeId, CancellationToken cancellationToken = default) => volumeId == store.State.VolumeId
        ? throw new InvalidOperationException($"Volume {volumeId} is the current volume of {this.GetPrimaryKeyString()}, not a former one; it is not deleted.")
        : Ec2Calls.IgnoreNotFoundAsync(() => ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volumeId }, cancellationToken));

    public async Task<SnapshotView> SnapshotAsync(SnapshotRequest request, CancellationToken cancellationToken = default)
    {
        await HoldAsync(request.VolumeId, cancellationToken);
        return View(await DeviceSnapshots.FindOrCreateAsync(ec2, request.VolumeId, request.ClientToken, request.Description, request.Tags,
            findFirst: true, cancellationToken));
    }

    public async Task<IReadOnlyList<SnapshotView>> DescribeSnapshotsAsync(IReadOnlyList<string> snapshotIds, CancellationToken cancellationToken = default)
    {
        if (snapshotIds.Count == 0)
        {
            return [];
        }

        var response = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [.. snapshotIds] }, cancellationToken);
        var found = response.Snapshots ?? [];
        return [.. snapshotIds.Select(id => found.FirstOrDefault(s => s.SnapshotId == id) is { } snapshot ? View(snapshot) : new SnapshotView { SnapshotId = id })];
    }

    public async Task<SnapshotView?> SnapshotContinuouslyAsync(SnapshotRequest request, SnapshotRetention retention, CancellationToken cancellationToken = default)
    {
        var existing = await DeviceSnapshots.DescribeAsync(ec2, ManagedInstanceId, retention.DeviceTag, cancellationToken);
        if (existing.Any(s => !s.Completed))
        {
            return null;
        }

        // Pruning first, leaving room for the new snapshot: a device never holds more than the retention.
        await DeviceSnapshots.PruneAsync(ec2, existing, retention.Keep, retention.InUse.ToHashSet(StringComparer.Ordinal),
            new HashSet<string>(StringComparer.Ordinal) { retention.DeviceTag }, cancellationToken);
        await HoldAsync(request.VolumeId, cancellationToken);
        return View(await DeviceSnapshots.FindOrCreateAsync(ec2, request.VolumeId, request.ClientToken, request.Description, request.Tags,
            findFirst: false, cancellationToken));
    }

    public Task<VolumeView?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(_last ?? (store.State.VolumeId is null
        ? null
        : new VolumeView { DeviceName = DeviceName, VolumeId = store.State.VolumeId, AvailabilityZone = store.State.AvailabilityZone }));

    /// <summary>A grain that holds no volume yet (state older than it, for the root) holds the one it is asked to act on.</summary>
    private async Task HoldAsync(string volumeId, CancellationToken cancellationToken)
    {
        if (store.State.VolumeId is null)
        {
            store.State = new VolumeState { VolumeId = volumeId };
            await store.WriteStateAsync(cancellationToken);
        }
    }

    private static SnapshotView View(Snapshot snapshot) => new()
    {
        SnapshotId = snapshot.SnapshotId,
        VolumeId = snapshot.VolumeId,
        State = snapshot.State?.Value,
        Progress = snapshot.Progress,
        StateMessage = snapshot.StateMessage,
    };

    private VolumeView Remember(Volume volume)
    {
        var attachment = (volume.Attachments ?? []).FirstOrDefault();
        return _last = new VolumeView
        {
            DeviceName = DeviceName,
            VolumeId = volume.VolumeId,
            AvailabilityZone = volume.AvailabilityZone,
            State = volume.State?.Value,
            AttachedInstanceId = attachment?.InstanceId,
            AttachmentState = attachment?.State?.Value,
        };
    }

    private string RequireVolumeId() => store.State.VolumeId
        ?? throw new InvalidOperationException($"Volume {this.GetPrimaryKeyString()} has not been created yet.");
}
