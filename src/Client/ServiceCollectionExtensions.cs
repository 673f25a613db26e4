using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StatefulSpot.Client.Security;

namespace StatefulSpot.Client;

public static class ServiceCollectionExtensions
{
    /// <summary>The ADO.NET invariant under which Orleans loads Npgsql.</summary>
    private const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// Registers <see cref="StatefulSpotClient"/> over the <see cref="IClusterClient"/> the host already has
    /// (a silo's own, or one added with UseOrleansClient).
    /// </summary>
    public static IServiceCollection AddStatefulSpotClient(this IServiceCollection services) =>
        services.AddSingleton(sp => new StatefulSpotClient(sp.GetRequiredService<IClusterClient>()));

    /// <summary>
    /// Adds an Orleans cluster client that connects to a StatefulSpot cluster as <paramref name="configure"/> says
    /// (PostgreSQL gateway discovery, or localhost), and <see cref="StatefulSpotClient"/> over it. The client connects when
    /// the host starts; with <see cref="StatefulSpotClientOptions.Tls"/> set, over mutual TLS. Throws
    /// <see cref="ArgumentException"/> naming every setting to fix (a missing certificate file, a wrong password...).
    /// </summary>
    /// <example><code>
    /// services.AddStatefulSpotClient(o => { o.ConnectionString = cs; o.ClusterId = "prod"; o.ServiceId = "statefulspot"; });
    /// services.AddStatefulSpotClient(o => o.UseLocalhost(30000));
    /// services.AddStatefulSpotClient(o =>
    /// {
    ///     o.UseLocalhost(30000);
    ///     o.Tls.CertificatePath = "/etc/statefulspot/client.pfx";
    ///     o.Tls.CertificatePassword = password;
    ///     o.Tls.CaCertificatePath = "/etc/statefulspot/ca.pem";
    /// });
    /// </code></example>
    public static IServiceCollection AddStatefulSpotClient(this IServiceCollection services, Action<StatefulSpotClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new StatefulSpotClientOptions();
        configure(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("The StatefulSpot client settings are invalid: " + string.Join(" ", problems), nameof(configure));
        }

        var tls = options.Tls.IsEnabled ? TlsCredentialLoader.Load(options.Tls, StatefulSpotClientOptions.TlsKeyPrefix, TlsRole.Client) : null;
        services.AddOrleansClient(client =>
        {
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = options.GatewayListRefreshPeriod);
            if (tls is not null)
            {
                client.UseTls(tls.Certificate, tls.Apply);
            }

            if (options.ConnectionString is { } connectionString)
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = PostgresInvariant;
                    o.ConnectionString = connectionString;
                });
            }
            else
            {
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
            }
        });
        return services.AddStatefulSpotClient();
    }

    /// <summary>The same as <see cref="AddStatefulSpotClient(IServiceCollection, Action{StatefulSpotClientOptions})"/> for a generic host builder.</summary>
    public static IHostBuilder UseStatefulSpotClient(this IHostBuilder host, Action<StatefulSpotClientOptions> configure) =>
        host.ConfigureServices(services => services.AddStatefulSpotClient(configure));
}
