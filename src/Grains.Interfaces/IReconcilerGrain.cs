using Orleans.Concurrency;

namespace StatefulSpot.Grains.Interfaces;

/// <summary>
/// The safety net (key <see cref="Key"/>): a batched loop that lists every EC2 instance StatefulSpot tagged, a page
/// at a time, and tells each managed instance what its instance really looks like.
/// </summary>
[Alias("statefulspot.IReconcilerGrain")]
public interface IReconcilerGrain : IGrainWithStringKey
{
    public const string Key = "default";

    /// <summary>Starts the periodic loop on this activation (idempotent).</summary>
    [Alias("start")]
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets what the loop remembers of a managed instance (an operation of it ended): the next pass asks it again.
    /// Between operations the loop works from what it remembers, so idle managed instances are not woken every pass.
    /// </summary>
    [Alias("forget"), OneWay, AlwaysInterleave]
    Task ForgetAsync(string managedInstanceId);

    /// <summary>Runs one pass now.</summary>
    [Alias("reconcile-once")]
    Task<ReconcileReport> ReconcileOnceAsync(CancellationToken cancellationToken = default);
}
