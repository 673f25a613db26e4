using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StatefulSpot.Client.Security;
using StatefulSpot.Cluster.Tests.MultiProcess;
using StatefulSpot.Silo.Security;

namespace StatefulSpot.Cluster.Tests.Security;

/// <summary>
/// Two silos over real sockets with <see cref="SiloTlsExtensions.UseStatefulSpotTls"/>, each with a certificate of its
/// own from the cluster's CA: they form one cluster; a silo whose certificate another CA issued cannot join it.
/// </summary>
public sealed class SiloToSiloTlsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TestCertificates _files = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _authority = TestCertificates.CreateAuthority("Cluster CA");
    private readonly string _clusterId = "tls-" + Guid.NewGuid().ToString("N");
    private readonly int _primaryPort = SiloProcess.FreePort();

    [Fact]
    public async Task TwoSilos_FormOneClusterOverMutualTls_AndASiloOfAnotherCaCannotJoin()
    {
        using var primary = await StartSiloAsync("silo-a", _authority, _primaryPort, Patience);
        using var secondary = await StartSiloAsync("silo-b", _authority, SiloProcess.FreePort(), Patience);

        var management = primary.Host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        Assert.Equal(2, (await management.GetHosts(onlyActive: true)).Count);

        // A silo with a certificate of another CA: the primary refuses its connections, so it never joins. Its start
        // keeps trying until the primary has refused it at least once (a loaded machine may take a while), then stops.
        var refusedBefore = primary.Logs.TlsHandshakesFailed;
        using var giveUp = new CancellationTokenSource();
        var rogue = StartSiloAsync("silo-rogue", TestCertificates.CreateAuthority("Rogue CA"), SiloProcess.FreePort(), TimeSpan.FromMinutes(2), giveUp.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (primary.Logs.TlsHandshakesFailed == refusedBefore && !rogue.IsCompleted && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(100);
        }

        Assert.True(primary.Logs.TlsHandshakesFailed > refusedBefore, "the primary silo reported no refused TLS handshake");
        Assert.Equal(2, (await management.GetHosts(onlyActive: true)).Count);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            using var joined = await rogue;
        });
    }

    private async Task<RunningSilo> StartSiloAsync(string name, System.Security.Cryptography.X509Certificates.X509Certificate2 authority, int siloPort, TimeSpan wait,
        CancellationToken cancel = default)
    {
        var options = new StatefulSpotTlsOptions
        {
            CertificatePath = _files.WritePfx(TestCertificates.Issue(authority, name), name),
            CertificatePassword = TestCertificates.Password,
            CaCertificatePath = _files.WriteAuthority(authority, name + "-ca"),
        };
        var credentials = TlsCredentialLoader.Load(options, "Tls:", TlsRole.Silo);
        var logs = new LogRecorder();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddProvider(logs);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, SiloProcess.FreePort(), new IPEndPoint(IPAddress.Loopback, _primaryPort), "tls-tests", _clusterId);
            silo.UseStatefulSpotTls(credentials);
        });
        var host = builder.Build();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(wait);
        try
        {
            await host.StartAsync(deadline.Token);
            return new RunningSilo(host, logs);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public void Dispose() => _files.Dispose();

    private sealed record RunningSilo(IHost Host, LogRecorder Logs) : IDisposable
    {
        public void Dispose()
        {
            Host.StopAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            Host.Dispose();
        }
    }
}
