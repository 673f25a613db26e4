using System.Security.Cryptography;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Client;

/// <summary>
/// The typed entry point for .NET services: create, read and list managed instances through an Orleans
/// cluster client, without knowing grain keys.
/// </summary>
public sealed partial class StatefulSpotClient(IClusterClient cluster)
{
    /// <summary>Creates a managed instance with a new id (smi-xxxxxxxx) and returns its first view (status Creating).</summary>
    public Task<ManagedInstanceView> CreateAsync(ManagedInstanceSpec spec, CancellationToken cancellationToken = default) =>
        CreateAsync(NewId(), spec, cancellationToken);

    /// <summary>Creates a managed instance with the given id; repeating the call with the same spec is harmless.</summary>
    public Task<ManagedInstanceView> CreateAsync(string id, ManagedInstanceSpec spec, CancellationToken cancellationToken = default) =>
        Grain(id).CreateAsync(spec, cancellationToken);

    /// <summary>The managed instance, or null when no managed instance has this id.</summary>
    public async Task<ManagedInstanceView?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Grain(id).GetAsync(cancellationToken);
        }
        catch (ManagedInstanceNotFoundException)
        {
            return null;
        }
    }

    /// <summary>All managed instances, in creation order.</summary>
    public async Task<IReadOnlyList<ManagedInstanceView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = await cluster.GetGrain<IManagedInstanceRegistryGrain>(IManagedInstanceRegistryGrain.Key).ListAsync(cancellationToken);
        var views = await Task.WhenAll(ids.Select(id => GetAsync(id, cancellationToken)));
        return [.. views.OfType<ManagedInstanceView>()];
    }

    /// <summary>
    /// Polls until <paramref name="condition"/> holds for the managed instance, and returns that view.
    /// Throws <see cref="TimeoutException"/> with the last view when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<ManagedInstanceView> WaitUntilAsync(string id, Func<ManagedInstanceView, bool> condition, TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        ManagedInstanceView? last = null;
        try
        {
            while (true)
            {
                last = await Grain(id).GetAsync(deadline.Token);
                if (condition(last))
                {
                    return last;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Managed instance '{id}' did not reach the expected state within {timeout}; "
                + $"last seen {last?.Status} at step {last?.CurrentStep ?? "-"} ({last?.LastError ?? "no error"}).");
        }
    }

    /// <summary>A new managed-instance id: smi- and eight hex digits.</summary>
    public static string NewId() => "smi-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private IManagedInstanceGrain Grain(string id) => cluster.GetGrain<IManagedInstanceGrain>(id);
}
