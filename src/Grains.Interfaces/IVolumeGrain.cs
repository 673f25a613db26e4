using Orleans.Concurrency;

namespace StatefulSpot.Grains.Interfaces;

/// <summary>
/// One persisted EBS volume of a managed instance, keyed <c>smi-…/&lt;device&gt;</c>. Every EC2 call on the
/// volume goes through this grain, one at a time.
/// </summary>
[Alias("statefulspot.IVolumeGrain")]
public interface IVolumeGrain : IGrainWithStringKey
{
    /// <summary>Creates the volume once (idempotent through a client token) and returns it.</summary>
    [Alias("ensure-created")]
    Task<VolumeView> EnsureCreatedAsync(VolumeRequest request, CancellationToken cancellationToken = default);

    /// <summary>Attaches the volume to the instance at its device name unless it already is.</summary>
    [Alias("attach")]
    Task<VolumeView> AttachAsync(string instanceId, CancellationToken cancellationToken = default);

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
