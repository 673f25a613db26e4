using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using StatefulSpot.Client;
using StatefulSpot.Emulator;
using StatefulSpot.Grains;
using StatefulSpot.Silo.Security;
using StatefulSpot.Silo.Storage;

namespace StatefulSpot.Silo.Hosting;

/// <summary>
/// What a host mode contributes to the one silo configuration of <see cref="SiloHost.Build"/>: where the AWS clients
/// point, the event queue, and the silo's clustering, grain storage, reminders and endpoints. Nothing else differs.
/// </summary>
/// <param name="EventQueueUrl">The SQS queue of the EventBridge events.</param>
/// <param name="AddAwsClients">Registers <c>IAmazonEC2</c> and <c>IAmazonSQS</c>.</param>
/// <param name="ConfigureSilo">Clustering, grain storage named <see cref="StorageNames.Instances"/>, reminders, endpoints.</param>
public sealed record SiloHostMode(string EventQueueUrl, Action<IServiceCollection> AddAwsClients, Action<ISiloBuilder> ConfigureSilo)
{
    private const string MembershipSection = StatefulSpotHostOptions.Section + ":Membership";

    /// <summary>One silo, localhost clustering, SQLite grain state in <paramref name="dataDirectory"/>, in-memory reminders, and the in-process <paramref name="emulator"/> for EC2 and SQS.</summary>
    public static SiloHostMode Local(StatefulSpotHostOptions host, string dataDirectory, AwsEmulator emulator, string region) => new(
        emulator.EventQueueUrl,
        services => services.AddAwsClientsForEndpoint(emulator.ServiceUrl, region),
        silo =>
        {
            silo.UseLocalhostClustering(host.SiloPort, host.GatewayPort, serviceId: host.ServiceId, clusterId: host.ClusterId);
            silo.AddSqliteGrainStorage(StorageNames.Instances, Path.Combine(dataDirectory, "statefulspot.db"));
            silo.UseInMemoryReminderService();
        });

    /// <summary>N silos on PostgreSQL (clustering, grain state, reminders); AWS (or endpoint overrides) from <see cref="StatefulSpotHostOptions.Aws"/>.</summary>
    public static SiloHostMode Cluster(StatefulSpotHostOptions host, IConfiguration configuration) => new(
        host.EventQueueUrl!,
        services => services.AddAwsClients(host.Aws),
        silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = host.ClusterId;
                o.ServiceId = host.ServiceId;
            });
            // What others are told; where the ports listen (every address unless configured) is set by SiloHost.Build.
            if (host.AdvertisedAddress is { } advertised)
            {
                silo.ConfigureEndpoints(advertised, host.SiloPort, host.GatewayPort, AddressFamily.InterNetwork);
            }
            else
            {
                silo.ConfigureEndpoints(host.SiloPort, host.GatewayPort);
            }

            // Failure detection can be tuned (Orleans ClusterMembershipOptions: ProbeTimeout, NumMissedProbesLimit...).
            silo.Services.AddOptions<ClusterMembershipOptions>().Bind(configuration.GetSection(MembershipSection));
            silo.UsePostgres(host.ConnectionString!, StorageNames.Instances);
        });
}

/// <summary>The one silo configuration, whatever the mode.</summary>
public static class SiloHost
{
    /// <summary>
    /// The web host on <see cref="StatefulSpotHostOptions.DashboardUrl"/> with telemetry, the embedded client, the
    /// health endpoints and, with keys configured, its authentication; a silo with
    /// <see cref="StatefulSpotSiloBuilderExtensions.AddStatefulSpot"/> and the dashboard, its ports on the configured
    /// listen addresses and, when configured, behind mutual TLS; <paramref name="mode"/> adds the rest.
    /// </summary>
    public static WebApplication Build(WebApplicationBuilder builder, StatefulSpotHostOptions host, SiloHostMode mode)
    {
        builder.WebHost.UseUrls(host.DashboardUrl);
        mode.AddAwsClients(builder.Services);
        builder.Services.AddStatefulSpotClient();
        builder.AddStatefulSpotWebAuth(host.WebAuth);
        builder.AddStatefulSpotTelemetry(builder.Configuration);
        var tls = host.LoadTls();
        builder.UseOrleans(silo =>
        {
            mode.ConfigureSilo(silo);
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloListeningEndpoint = new IPEndPoint(host.SiloListenIPAddress, host.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(host.GatewayListenIPAddress, host.GatewayPort);
            });
            if (tls is not null)
            {
                silo.UseStatefulSpotTls(tls);
            }

            silo.AddStatefulSpot(mode.EventQueueUrl, builder.Configuration);
            silo.AddDashboard();
        });
        DeferredDashboardStart.Apply(builder.Services);

        var app = builder.Build();
        app.MapOrleansDashboard();
        app.MapStatefulSpotHealth();
        return app;
    }
}
