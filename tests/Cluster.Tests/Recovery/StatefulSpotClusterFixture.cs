using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using StatefulSpot.Client;
using StatefulSpot.Emulator;
using StatefulSpot.Grains;
using StatefulSpot.Grains.Reconciliation;
using StatefulSpot.Silo.Hosting;

namespace StatefulSpot.Cluster.Tests.Recovery;

/// <summary>
/// A real Orleans cluster (two in-process silos) wired exactly like production: the real AWS SDK clients talk to
/// the in-process emulator over HTTP, interruption notices travel EventBridge JSON -> SQS -> our stream provider.
/// Only the emulator's clock is fast: 1 simulated second is 10 ms.
/// </summary>
public class StatefulSpotClusterFixture : IAsyncLifetime
{
    public const double TimeScale = 0.01;

    private InProcessTestCluster? _cluster;

    public AwsEmulator Emulator { get; private set; } = null!;

    public InProcessTestCluster Cluster => _cluster!;

    public StatefulSpotClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await AwsEmulator.StartAsync(CreateEmulatorOptions());
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Instances);
            silo.UseInMemoryReminderService();
            silo.Services.AddAwsClientsForEndpoint(Emulator.ServiceUrl, "us-east-1");
            silo.Services.Configure<ManagedInstanceOptions>(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
                o.StepTimeout = TimeSpan.FromSeconds(30);
            });
            silo.Services.Configure<ReconcilerOptions>(o => o.PageSize = 5);
            silo.AddStatefulSpot(Emulator.EventQueueUrl);
            ConfigureSilo(silo);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        Client = new StatefulSpotClient(_cluster.Client);
    }

    /// <summary>The emulator's settings; fixtures that need other physics override this.</summary>
    protected virtual EmulatorOptions CreateEmulatorOptions() => new() { TimeScale = TimeScale };

    /// <summary>Extra silo configuration for fixtures that inject faults.</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await Emulator.DisposeAsync();
    }
}
