using Orleans.Concurrency;

namespace StatefulSpot.Grains.Interfaces;

/// <summary>The names of all defined IP pools (key <see cref="Key"/>); each pool registers itself when defined.</summary>
[Alias("statefulspot.IIpPoolRegistryGrain")]
public interface IIpPoolRegistryGrain : IGrainWithStringKey
{
    public const string Key = "default";

    [Alias("register")]
    Task RegisterAsync(string pool, CancellationToken cancellationToken = default);

    [Alias("list"), ReadOnly]
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);
}
