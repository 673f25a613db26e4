using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace StatefulSpot.Silo.Hosting;

/// <summary>
/// The Orleans dashboard's hosted service, started once the silo is active rather than beside it: the web host starts
/// with the silo (so health probes answer during start-up), and a dashboard started then calls grains before the silo
/// can place them, which fills the console with placement retries and stack traces on every normal start.
/// </summary>
internal sealed class DeferredDashboardStart(IHostedService dashboard) : IHostedService, ILifecycleParticipant<ISiloLifecycle>
{
    private const string DashboardHostType = "Orleans.Dashboard.DashboardHost";
    private int _started;

    /// <summary>Replaces the dashboard's hosted service (registered by <c>AddDashboard</c>) with one started when the silo is active.</summary>
    public static void Apply(IServiceCollection services)
    {
        var registered = services.SingleOrDefault(d => d.ServiceType == typeof(IHostedService)
            && (d.ImplementationFactory?.Method.ReturnType.FullName ?? d.ImplementationType?.FullName) == DashboardHostType)
            ?? throw new InvalidOperationException($"The Orleans dashboard registers no {DashboardHostType} hosted service any more; revisit {nameof(DeferredDashboardStart)}.");
        services.Remove(registered);
        services.AddSingleton(sp => new DeferredDashboardStart(registered.ImplementationFactory is { } factory
            ? (IHostedService)factory(sp)
            : (IHostedService)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<DeferredDashboardStart>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DeferredDashboardStart>());
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DeferredDashboardStart), ServiceLifecycleStage.Active, cancellationToken =>
            Interlocked.Exchange(ref _started, 1) == 0 ? dashboard.StartAsync(cancellationToken) : Task.CompletedTask);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _started) == 1 ? dashboard.StopAsync(cancellationToken) : Task.CompletedTask;
}
