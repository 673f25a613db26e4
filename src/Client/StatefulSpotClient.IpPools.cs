using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Client;

/// <summary>IP pools: named sets of private IPs in one subnet that managed instances lease from.</summary>
public sealed partial class StatefulSpotClient
{
    /// <summary>
    /// Creates or redefines the pool <see cref="IpPoolDefinition.Name"/>. Repeating the same definition is harmless; a
    /// redefinition may add addresses or drop free ones. Throws <see cref="InvalidIpPoolException"/> (listing what to fix)
    /// or <see cref="IpPoolConflictException"/> (it would drop a leased address).
    /// </summary>
    public Task<IpPoolView> DefineIpPoolAsync(IpPoolDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrWhiteSpace(definition.Name);
        return IpPool(definition.Name).DefineAsync(definition, cancellationToken);
    }

    /// <summary>The pool with its leases, or null when no pool has this name.</summary>
    public async Task<IpPoolView?> GetIpPoolAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await IpPool(name).GetAsync(cancellationToken);
        }
        catch (IpPoolNotFoundException)
        {
            return null;
        }
    }

    /// <summary>All defined pools, in definition order.</summary>
    public async Task<IReadOnlyList<IpPoolView>> ListIpPoolsAsync(CancellationToken cancellationToken = default)
    {
        var names = await cluster.GetGrain<IIpPoolRegistryGrain>(IIpPoolRegistryGrain.Key).ListAsync(cancellationToken);
        var views = await Task.WhenAll(names.Select(name => GetIpPoolAsync(name, cancellationToken)));
        return [.. views.OfType<IpPoolView>()];
    }

    private IIpPoolGrain IpPool(string name) => cluster.GetGrain<IIpPoolGrain>(name);
}
