using Orleans.Concurrency;

namespace StatefulSpot.Grains.Interfaces;

/// <summary>The set of managed instances of one deployment (key <see cref="Key"/>): list, and the sweep after a restart.</summary>
[Alias("statefulspot.IManagedInstanceRegistryGrain")]
public interface IManagedInstanceRegistryGrain : IGrainWithStringKey
{
    public const string Key = "default";

    [Alias("register")]
    Task RegisterAsync(string managedInstanceId, CancellationToken cancellationToken = default);

    [Alias("list"), ReadOnly]
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);
}
