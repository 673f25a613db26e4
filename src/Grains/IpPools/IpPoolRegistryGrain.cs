using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.IpPools;

[GenerateSerializer, Alias("statefulspot.ip-pool-registry-state")]
public sealed record IpPoolRegistryState
{
    [Id(0)] public IReadOnlyList<string> Pools { get; init; } = [];
}

/// <summary>The names of all defined IP pools, in definition order.</summary>
public sealed class IpPoolRegistryGrain(
    [PersistentState("ip-pool-registry", StorageNames.Instances)] IPersistentState<IpPoolRegistryState> store)
    : Grain, IIpPoolRegistryGrain
{
    public async Task RegisterAsync(string pool, CancellationToken cancellationToken = default)
    {
        if (store.State.Pools.Contains(pool))
        {
            return;
        }

        store.State = store.State with { Pools = store.State.Pools.Append(pool).ToArray() };
        await store.WriteStateAsync(cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) => Task.FromResult(store.State.Pools);
}
