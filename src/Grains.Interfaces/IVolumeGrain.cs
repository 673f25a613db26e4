using Orleans.Concurrency;

namespace StatefulSpot.Grains.Interfaces;

/// <summary>
/// One persisted EBS volume of a managed instance, keyed <c>smi-…/&lt;device&gt;</c> (the root volume: <c>smi-…/root</c>).
/// Every EC2 call on the volume and on its snapshots goes through this grain, one at a time.
/// </summary>
[Alias("statefulspot.IVolumeGrain")]
public interface IVolumeGrain : IGrainWithStringKey
{
    /// <summary>Creates the volume once (idempotent through a client token) and returns it.</summary>
    [Alias("ensure-created")]
    Task<VolumeView> EnsureCreatedAsync(VolumeRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Attaches the volume to the instance at its device name unless it already is; a volume still being created is
    /// returned as it is (state <c>creating</c>), not attached.
    /// </summary>
    [Alias("attach")]
    Task<VolumeView> AttachAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Detaches the volume from <paramref name="instanceId"/> (which may still run: a data volume only) unless it is not
    /// attached there or already detaching; <paramref name="force"/> forces a detach that is stuck. Returns the volume
    /// as the call left it.
    /// </summary>
    [Alias("detach")]
    Task<VolumeView> DetachAsync(string instanceId, bool force, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes an existing volume this device's volume from now on (a volume EC2 created through a launch
    /// block-device mapping); the volume it replaces is not touched.
    /// </summary>
    [Alias("adopt")]
    Task<VolumeView> AdoptAsync(string volumeId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a new volume from <paramref name="snapshotId"/> in the request's AZ this device's volume (idempotent
    /// through the request's client token); the volume it replaces is not touched. A volume already in that AZ stays.
    /// </summary>
    [Alias("relocate")]
    Task<VolumeView> RelocateAsync(VolumeRequest request, string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>Reads the volume's current state from EC2.</summary>
    [Alias("refresh")]
    Task<VolumeView> RefreshAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the volume; it must not be attached. Deleting a volume that is already gone is done.</summary>
    [Alias("delete")]
    Task DeleteAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a volume this device held before its current one (captured in a final snapshot, left in another AZ, a
    /// previous root); one already gone is done. The current volume is refused: it goes only through <see cref="DeleteAsync"/>.
    /// </summary>
    [Alias("delete-former")]
    Task DeleteFormerAsync(string volumeId, CancellationToken cancellationToken = default);

    /// <summary>
    /// A snapshot of the volume <paramref name="request"/> names (this device's), unless one carrying the request's token
    /// exists: CreateSnapshot takes no client token, a tag stands in for one.
    /// </summary>
    [Alias("snapshot")]
    Task<SnapshotView> SnapshotAsync(SnapshotRequest request, CancellationToken cancellationToken = default);

    /// <summary>How this device's snapshots stand (completed, pending, error), as EC2 reports them now.</summary>
    [Alias("describe-snapshots")]
    Task<IReadOnlyList<SnapshotView>> DescribeSnapshotsAsync(IReadOnlyList<string> snapshotIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// One continuous snapshot pass of this device: nothing while one is still in progress; else its snapshots are
    /// pruned to leave room for a new one within the retention, and the new one taken. Returns it, or null.
    /// </summary>
    [Alias("snapshot-continuously")]
    Task<SnapshotView?> SnapshotContinuouslyAsync(SnapshotRequest request, SnapshotRetention retention, CancellationToken cancellationToken = default);

    [Alias("get"), ReadOnly, AlwaysInterleave]
    Task<VolumeView?> GetAsync(CancellationToken cancellationToken = default);
}

[GenerateSerializer, Immutable, Alias("statefulspot.volume-request")]
public sealed record VolumeRequest
{
    [Id(0)] public required string AvailabilityZone { get; init; }
    [Id(1)] public required int SizeGiB { get; init; }
    [Id(2)] public required string VolumeType { get; init; }

    /// <summary>EC2 ClientToken: the same token never creates twice.</summary>
    [Id(3)] public required string ClientToken { get; init; }
    [Id(4)] public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    [Id(5)] public int? Iops { get; init; }
    [Id(6)] public int? Throughput { get; init; }

    /// <summary>Build the volume from this snapshot (for <c>EnsureCreated</c>); null for an empty volume.</summary>
    [Id(7)] public string? SnapshotId { get; init; }
}

/// <summary>A snapshot to take of a device's volume.</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.snapshot-request")]
public sealed record SnapshotRequest
{
    /// <summary>The volume to snapshot: the device's current one (a grain that holds none yet adopts it).</summary>
    [Id(0)] public required string VolumeId { get; init; }

    /// <summary>Stands in for a client token: a snapshot tagged with it is not taken twice.</summary>
    [Id(1)] public required string ClientToken { get; init; }
    [Id(2)] public required string Description { get; init; }

    /// <summary>Every tag of the snapshot, the token tag included.</summary>
    [Id(3)] public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>How many snapshots of a device to keep.</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.snapshot-retention")]
public sealed record SnapshotRetention
{
    /// <summary>The device tag the snapshots carry (for the root volume, the spec's root device name).</summary>
    [Id(0)] public required string DeviceTag { get; init; }
    [Id(1)] public required int Keep { get; init; }

    /// <summary>Snapshots kept whatever their age: the sources of the next volumes, the images' snapshots.</summary>
    [Id(2)] public IReadOnlyList<string> InUse { get; init; } = [];
}

/// <summary>A snapshot of a device's volume, as the volume grain last saw it.</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.snapshot-view")]
public sealed record SnapshotView
{
    [Id(0)] public required string SnapshotId { get; init; }
    [Id(1)] public string? VolumeId { get; init; }

    /// <summary>pending, completed or error; null when EC2 does not (yet) list it.</summary>
    [Id(2)] public string? State { get; init; }
    [Id(3)] public string? Progress { get; init; }
    [Id(4)] public string? StateMessage { get; init; }
}
