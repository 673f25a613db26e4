using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.Registry;

[GenerateSerializer, Alias("statefulspot.registry-state")]
public sealed record RegistryState
{
    [Id(0)] public IReadOnlyList<string> ManagedInstanceIds { get; init; } = [];
}

/// <summary>The ids of all managed instances, in creation order.</summary>
public sealed class ManagedInstanceRegistryGrain(
    [PersistentState("managed-instance-registry", StorageNames.Instances)] IPersistentState<RegistryState> store)
    : Grain, IManagedInstanceRegistryGrain
{
    public async Task RegisterAsync(string managedInstanceId, CancellationToken cancellationToken = default)
    {
        if (store.State.ManagedInstanceIds.Contains(managedInstanceId))
        {
            return;
        }

        store.State = store.State with { ManagedInstanceIds = [.. store.State.ManagedInstanceIds, managedInstanceId] };
        await store.WriteStateAsync(cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(store.State.ManagedInstanceIds);
}
