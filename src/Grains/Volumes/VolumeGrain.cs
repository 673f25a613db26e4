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

/// <summary>One persisted EBS volume (key <c>smi-…/&lt;device&gt;</c>). Non-reentrant: EC2 calls on the volume run one at a time.</summary>
// Idle between operations (hours to weeks): collected soon after, so that a fleet's resource grains do not stay in memory.
[CollectionAgeLimit(Minutes = 2)]
public sealed class VolumeGrain(
    [PersistentState("volume", StorageNames.Instances)] IPersistentState<VolumeState> store,
    IEc2Api ec2) : Grain, IVolumeGrain
{
    private VolumeView? _last;

    private string DeviceName => ResourceKeys.Resource(this.GetPrimaryKeyString());

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
            TagSpecifications = [new TagSpecification
            {
                ResourceType = ResourceType.Volume,
                Tags = [.. request.Tags.Select(t => new Tag(t.Key, t.Value))],
            }],
        }, cancellationToken);
        store.State = new VolumeState { VolumeId = response.Volume.VolumeId, AvailabilityZone = response.Volume.AvailabilityZone };
        await store.WriteStateAsync(cancellationToken);
        return Remember(response.Volume);
    }

    public async Task<VolumeView> AttachAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var current = await RefreshAsync(cancellationToken);
        if (current.AttachedInstanceId == instanceId)
        {
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

        try
        {
            await ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volumeId }, cancellationToken);
        }
        catch (AmazonEC2Exception exception) when (Ec2Errors.Classify(exception) == Ec2ErrorKind.NotFound)
        {
            // Already gone: deleting is done.
        }

        _last = null;
        await store.ClearStateAsync(cancellationToken);
    }

    public Task<VolumeView?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(_last ?? (store.State.VolumeId is null
        ? null
        : new VolumeView { DeviceName = DeviceName, VolumeId = store.State.VolumeId, AvailabilityZone = store.State.AvailabilityZone }));

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
