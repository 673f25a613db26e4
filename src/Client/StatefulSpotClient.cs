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
        NewGrain(id).CreateAsync(spec, cancellationToken);

    /// <summary>
    /// Imports an existing EC2 instance as a new managed instance (smi-xxxxxxxx): it is imaged, and the managed instance
    /// runs from the image. Keeping its private IP requires terminating it.
    /// </summary>
    public Task<ManagedInstanceView> ImportAsync(ImportRequest request, CancellationToken cancellationToken = default) =>
        ImportAsync(NewId(), request, cancellationToken);

    /// <summary>Imports into the given id: repeating the call (after a timeout, say) does not import the instance twice.</summary>
    public Task<ManagedInstanceView> ImportAsync(string id, ImportRequest request, CancellationToken cancellationToken = default) =>
        NewGrain(id).ImportAsync(request, cancellationToken);

    /// <summary>Replaces the spec; launch settings apply at the next launch (recycle, resume or recovery).</summary>
    public Task<ManagedInstanceView> UpdateAsync(string id, ManagedInstanceSpec spec, CancellationToken cancellationToken = default) =>
        Grain(id).UpdateAsync(spec, cancellationToken);

    /// <summary>Terminates the compute and keeps volumes, network interface and IP.</summary>
    public Task<ManagedInstanceView> PauseAsync(string id, CancellationToken cancellationToken = default) =>
        Grain(id).PauseAsync(cancellationToken);

    /// <summary>Brings a paused managed instance back on a new EC2 instance.</summary>
    public Task<ManagedInstanceView> ResumeAsync(string id, CancellationToken cancellationToken = default) =>
        Grain(id).ResumeAsync(cancellationToken);

    /// <summary>Replaces the EC2 instance, keeping what the persistence settings keep.</summary>
    public Task<ManagedInstanceView> RecycleAsync(string id, CancellationToken cancellationToken = default) =>
        Grain(id).RecycleAsync(cancellationToken);

    /// <summary>Deletes the managed instance; <paramref name="options"/> says what goes with it (by default, data stays).</summary>
    public Task<ManagedInstanceView> DeleteAsync(string id, DeleteOptions? options = null, CancellationToken cancellationToken = default) =>
        Grain(id).DeleteAsync(options ?? new DeleteOptions(), cancellationToken);

    /// <summary>Deletes one persisted data volume of a paused managed instance and drops its device from the spec.</summary>
    public Task<ManagedInstanceView> DeleteVolumeAsync(string id, string deviceName, CancellationToken cancellationToken = default) =>
        Grain(id).DeleteVolumeAsync(deviceName, cancellationToken);

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

    /// <summary>All managed instances that are not deleted, in creation order.</summary>
    public async Task<IReadOnlyList<ManagedInstanceView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = await cluster.GetGrain<IManagedInstanceRegistryGrain>(IManagedInstanceRegistryGrain.Key).ListAsync(cancellationToken);
        var views = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                // Registered ids are keys storage already holds: no shape check, an older build's ids included.
                return await cluster.GetGrain<IManagedInstanceGrain>(id).GetAsync(cancellationToken);
            }
            catch (ManagedInstanceNotFoundException)
            {
                return null;
            }
        }));
        return [.. views.OfType<ManagedInstanceView>().Where(v => v.Status != ManagedInstanceStatus.Deleted)];
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

    /// <summary>The grain a new managed instance is created in: an id not shaped smi-… is refused before it becomes a grain (and storage) key.</summary>
    private IManagedInstanceGrain NewGrain(string id) => cluster.GetGrain<IManagedInstanceGrain>(ManagedInstanceIds.Require(id));

    /// <summary>The grain of an existing managed instance: an id no storage could hold is refused here.</summary>
    private IManagedInstanceGrain Grain(string id) => cluster.GetGrain<IManagedInstanceGrain>(ManagedInstanceIds.RequireUsable(id));
}
