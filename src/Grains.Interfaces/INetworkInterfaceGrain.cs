using Orleans.Concurrency;

namespace StatefulSpot.Grains.Interfaces;

/// <summary>The persistent primary ENI of a managed instance, keyed <c>smi-…/eth0</c>; serializes ENI calls.</summary>
[Alias("statefulspot.INetworkInterfaceGrain")]
public interface INetworkInterfaceGrain : IGrainWithStringKey
{
    /// <summary>Creates the ENI once (idempotent through a client token) and returns it.</summary>
    [Alias("ensure-created")]
    Task<NetworkInterfaceView> EnsureCreatedAsync(NetworkInterfaceRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads the ENI's current state from EC2.</summary>
    [Alias("refresh")]
    Task<NetworkInterfaceView> RefreshAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the ENI; it must not be attached. Deleting an ENI that is already gone is done.</summary>
    [Alias("delete")]
    Task DeleteAsync(CancellationToken cancellationToken = default);

    [Alias("get"), ReadOnly, AlwaysInterleave]
    Task<NetworkInterfaceView?> GetAsync(CancellationToken cancellationToken = default);
}

[GenerateSerializer, Immutable, Alias("statefulspot.network-interface-request")]
public sealed record NetworkInterfaceRequest
{
    [Id(0)] public required string SubnetId { get; init; }
    [Id(1)] public required string ClientToken { get; init; }
    [Id(2)] public string? PrivateIp { get; init; }
    [Id(3)] public IReadOnlyList<string> SecurityGroupIds { get; init; } = [];
    [Id(4)] public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}
