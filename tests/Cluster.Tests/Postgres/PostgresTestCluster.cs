using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using StatefulSpot.Grains;
using StatefulSpot.Grains.Ec2.Gateway;
using StatefulSpot.Grains.Reconciliation;
using StatefulSpot.Silo.Hosting;
using StatefulSpot.Silo.Storage;

namespace StatefulSpot.Cluster.Tests.Postgres;

/// <summary>
/// A <see cref="TestCluster"/> on PostgreSQL the way cluster mode wires it (<see cref="ClusterStorageExtensions.UsePostgres"/>:
/// ADO.NET membership instead of the test cluster's, grain state, reminders), optionally running StatefulSpot against an
/// emulator. Silos are configured from the builder's properties, since TestCluster instantiates its configurators itself.
/// </summary>
public static class PostgresTestCluster
{
    private const string ConnectionStringKey = "Test:PostgresConnectionString";
    private const string EmulatorUrlKey = "Test:EmulatorUrl";
    private const string EventQueueUrlKey = "Test:EventQueueUrl";
    private const string ReconcilerKey = "Test:Reconciler";

    public static async Task<TestCluster> StartAsync(string connectionString, short silos, string serviceId,
        Uri? emulatorUrl = null, string? eventQueueUrl = null, bool reconciler = true)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ServiceId = serviceId;
        builder.Options.ClusterId = "pg-" + Guid.NewGuid().ToString("N")[..8];
        builder.Properties[ConnectionStringKey] = connectionString;
        builder.Properties[ReconcilerKey] = reconciler.ToString();
        if (emulatorUrl is not null)
        {
            builder.Properties[EmulatorUrlKey] = emulatorUrl.ToString();
            builder.Properties[EventQueueUrlKey] = eventQueueUrl ?? throw new ArgumentNullException(nameof(eventQueueUrl));
        }

        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var configuration = silo.Configuration;
            silo.UsePostgres(configuration[ConnectionStringKey]!, StorageNames.Instances);

            // A killed silo is declared dead within a few seconds instead of the production ~30 s.
            silo.Services.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.ExtendProbeTimeoutDuringDegradation = false;
            });
            if (configuration[EmulatorUrlKey] is not { } emulatorUrl)
            {
                return;
            }

            silo.Services.AddAwsClientsForEndpoint(new Uri(emulatorUrl), "us-east-1");
            silo.Services.Configure<ManagedInstanceOptions>(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
                o.StepTimeout = TimeSpan.FromSeconds(30);
                o.EventFallbackInterval = TimeSpan.FromMilliseconds(500);
            });

            // The emulators of these tests run at 0.02 and refill on that clock: the gateway keeps the same physics.
            silo.Services.Configure<Ec2GatewayOptions>(o => o.BudgetMultiplier = 50);
            silo.Services.Configure<ReconcilerOptions>(o => o.Enabled = bool.Parse(configuration[ReconcilerKey] ?? "true"));
            silo.AddStatefulSpot(configuration[EventQueueUrlKey]!);
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client) =>
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = PostgresSchema.Invariant;
                o.ConnectionString = configuration[ConnectionStringKey];
            });
    }
}
