using Microsoft.Extensions.Logging;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Silo.Hosting;

/// <summary>
/// When a silo becomes active, wakes every managed instance so that an operation interrupted by a restart
/// carries on at once instead of at its next reminder (or never, with an in-memory reminder service); then starts
/// the reconciliation loop.
/// </summary>
public sealed partial class ResumeSweep(IGrainFactory grains, ILogger<ResumeSweep> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ResumeSweep), ServiceLifecycleStage.Active, SweepAsync);

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            var ids = await grains.GetGrain<IManagedInstanceRegistryGrain>(IManagedInstanceRegistryGrain.Key).ListAsync(cancellationToken);
            await Task.WhenAll(ids.Select(id => grains.GetGrain<IManagedInstanceGrain>(id).WakeAsync(cancellationToken)));
            LogSwept(ids.Count);
            await grains.GetGrain<IReconcilerGrain>(IReconcilerGrain.Key).StartAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Reminders still wake each unfinished operation; the sweep only makes it immediate.
            LogSweepFailed(exception);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Resume sweep woke {Count} managed instance(s)")]
    private partial void LogSwept(int count);

    [LoggerMessage(2, LogLevel.Warning, "Resume sweep failed; reminders will resume unfinished operations")]
    private partial void LogSweepFailed(Exception exception);
}
