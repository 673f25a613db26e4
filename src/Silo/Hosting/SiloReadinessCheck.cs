using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Storage;
using StatefulSpot.Grains;

namespace StatefulSpot.Silo.Hosting;

/// <summary>
/// Ready when this process's silo is Active in the cluster membership and the grain storage
/// <see cref="StorageNames.Instances"/> answers a read (of a probe record that never exists) within <see cref="StorageTimeout"/>.
/// </summary>
public sealed class SiloReadinessCheck(IServiceProvider services) : IHealthCheck
{
    public static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(5);

    private static readonly GrainId ProbeId = GrainId.Create("statefulspot-health", "probe");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var membership = services.GetService<IClusterMembershipService>();
        var silo = services.GetService<ILocalSiloDetails>();
        if (membership is null || silo is null)
        {
            return HealthCheckResult.Unhealthy("this process hosts no silo");
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        if (status != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"silo {silo.SiloAddress} is {status} in the cluster membership, not Active");
        }

        if (services.GetKeyedService<IGrainStorage>(StorageNames.Instances) is not { } storage)
        {
            return HealthCheckResult.Unhealthy($"no grain storage named '{StorageNames.Instances}'");
        }

        try
        {
            await storage.ReadStateAsync("statefulspot-health", ProbeId, new GrainState<HealthProbe>()).WaitAsync(StorageTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"grain storage '{StorageNames.Instances}' did not answer: {exception.GetType().Name}", exception);
        }

        return HealthCheckResult.Healthy($"silo {silo.SiloAddress} is Active; grain storage answers");
    }

    /// <summary>The shape of the probe record (never written).</summary>
    public sealed class HealthProbe
    {
    }
}
