using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Connections.Security;
using StatefulSpot.Client;
using StatefulSpot.Client.Security;

namespace StatefulSpot.Cluster.Tests.Security;

/// <summary>A local-mode silo with <c>StatefulSpot:Tls</c> (its certificate as PKCS#12, the cluster's CA as PEM), shared by the tests.</summary>
public sealed class MutualTlsSiloFixture : IAsyncLifetime
{
    public TestCertificates Files { get; } = new();

    public X509Certificate2 Authority { get; } = TestCertificates.CreateAuthority("StatefulSpot Test CA");

    public X509Certificate2 OtherAuthority { get; } = TestCertificates.CreateAuthority("Someone Else's CA");

    public string AuthorityFile { get; private set; } = "";

    public LocalSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        AuthorityFile = Files.WriteAuthority(Authority, "ca");
        Silo = await LocalSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Tls:CertificatePath"] = Files.WritePfx(TestCertificates.Issue(Authority, "silo"), "silo"),
            ["Tls:CertificatePassword"] = TestCertificates.Password,
            ["Tls:CaCertificatePath"] = AuthorityFile,
        });
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        Files.Dispose();
    }
}

/// <summary>
/// Mutual TLS on the gateway and the silo port: only a peer with a certificate the cluster's CA issued gets in, and a
/// client accepts only a silo the CA vouches for. Clients are made as users make them, with <c>AddStatefulSpotClient</c>.
/// </summary>
public sealed class MutualTlsTests(MutualTlsSiloFixture fixture) : IClassFixture<MutualTlsSiloFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>How long a client is given to connect; one with a trusted certificate needs well under a second.</summary>
    private static readonly TimeSpan RefusalWait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task AClientWithACertificateOfTheClustersCa_CallsTheCluster()
    {
        // The client's certificate as PEM with its key in a file of its own, encrypted: the other common layout.
        var (certificate, key) = fixture.Files.WritePem(TestCertificates.Issue(fixture.Authority, "client", "client"), "client-ok", keyFile: true, encrypted: true);

        using var client = await StartClientAsync(tls =>
        {
            tls.CertificatePath = certificate;
            tls.CertificateKeyPath = key;
            tls.CertificatePassword = TestCertificates.Password;
            tls.CaCertificatePath = fixture.AuthorityFile;
        }, wait: Patience);

        Assert.Empty(await client.Services.GetRequiredService<StatefulSpotClient>().ListAsync());
    }

    [Fact]
    public async Task AClientWithoutTls_IsRefused()
    {
        await AssertRefusedBySiloAsync(() => StartClientAsync(configureTls: null));
    }

    [Fact]
    public async Task AClientSpeakingTlsWithoutACertificate_IsRefused()
    {
        // Not possible through StatefulSpotClientOptions (TLS needs a certificate there): Orleans' own TLS client, no certificate.
        await AssertRefusedBySiloAsync(() => StartClientAsync(null, client => client.UseTls(o =>
        {
            o.ClientCertificateMode = RemoteCertificateMode.NoCertificate;
            o.AllowAnyRemoteCertificate();
        })));
    }

    [Fact]
    public async Task AClientWithACertificateOfAnotherCa_IsRefused()
    {
        var foreign = fixture.Files.WritePfx(TestCertificates.Issue(fixture.OtherAuthority, "intruder", "client"), "intruder");

        await AssertRefusedBySiloAsync(() => StartClientAsync(tls =>
        {
            tls.CertificatePath = foreign;
            tls.CertificatePassword = TestCertificates.Password;
            tls.CaCertificatePath = fixture.AuthorityFile;   // it trusts the silo: only the silo's check can refuse it
        }));
    }

    [Fact]
    public async Task AClient_RefusesASiloItsCaDidNotIssue()
    {
        // A certificate the silo accepts, but the client trusts only another CA: the client must not talk to this silo.
        var certificate = fixture.Files.WritePfx(TestCertificates.Issue(fixture.Authority, "careful-client", "client"), "careful-client");
        var otherCa = fixture.Files.WriteAuthority(fixture.OtherAuthority, "other-ca");
        var clientLogs = new LogRecorder();

        await AssertNotConnectedAsync(() => StartClientAsync(tls =>
        {
            tls.CertificatePath = certificate;
            tls.CertificatePassword = TestCertificates.Password;
            tls.CaCertificatePath = otherCa;
        }, logs: clientLogs));

        Assert.True(await LoggedAsync(clientLogs, 0), "the client reported no failed TLS handshake");
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("gateway")]
    public async Task ThePort_CompletesAHandshakeOnlyWithACertificateOfTheClustersCa(string which)
    {
        var port = which == "silo" ? fixture.Silo.Host.SiloPort : fixture.Silo.Host.GatewayPort;

        await HandshakeAsync(port, TestCertificates.Issue(fixture.Authority, "peer"));
        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(port, null));
        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(port, TestCertificates.Issue(fixture.OtherAuthority, "rogue")));
    }

    /// <summary>A client host as a user builds it, started against the fixture's silo for at most <paramref name="wait"/> (<see cref="RefusalWait"/>).</summary>
    private async Task<IHost> StartClientAsync(Action<StatefulSpotTlsOptions>? configureTls, Action<IClientBuilder>? raw = null, LogRecorder? logs = null,
        TimeSpan? wait = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        if (raw is null)
        {
            builder.Services.AddStatefulSpotClient(o =>
            {
                o.UseLocalhost(fixture.Silo.Host.GatewayPort);
                o.ClusterId = fixture.Silo.Host.ClusterId;
                o.ServiceId = fixture.Silo.Host.ServiceId;
                configureTls?.Invoke(o.Tls);
            });
        }
        else
        {
            builder.UseOrleansClient(client =>
            {
                client.UseLocalhostClustering(fixture.Silo.Host.GatewayPort, fixture.Silo.Host.ServiceId, fixture.Silo.Host.ClusterId);
                raw(client);
            });
            builder.Services.AddStatefulSpotClient();
        }

        var host = builder.Build();
        using var deadline = new CancellationTokenSource(wait ?? RefusalWait);
        try
        {
            await host.StartAsync(deadline.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>The client does not get in, and the silo reports refusing its TLS handshake.</summary>
    private async Task AssertRefusedBySiloAsync(Func<Task<IHost>> start)
    {
        var refusedBefore = fixture.Silo.Logs.TlsHandshakesFailed;
        await AssertNotConnectedAsync(start);
        Assert.True(await LoggedAsync(fixture.Silo.Logs, refusedBefore), "the silo reported no refused TLS handshake");
    }

    /// <summary>Whether more than <paramref name="before"/> failed handshakes are logged, allowing a loaded machine 10 s to write them.</summary>
    private static async Task<bool> LoggedAsync(LogRecorder logs, int before)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (logs.TlsHandshakesFailed <= before && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        return logs.TlsHandshakesFailed > before;
    }

    /// <summary>
    /// The client cannot make a call: it is still not connected when <see cref="RefusalWait"/> ends (an Orleans client
    /// keeps trying a gateway that drops it), where one with the right certificate connects in well under a second.
    /// </summary>
    private static async Task AssertNotConnectedAsync(Func<Task<IHost>> start)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var host = await start();
            await host.Services.GetRequiredService<StatefulSpotClient>().ListAsync();
        });

        Assert.IsNotType<ArgumentException>(exception);
    }

    /// <summary>A bare TLS handshake with the silo port, presenting <paramref name="certificate"/> (or none), trusting any server.</summary>
    private static async Task HandshakeAsync(int port, X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = certificate is null ? null : [certificate],
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        }).WaitAsync(Patience);

        // TLS 1.3 sends the server's verdict on the client certificate after the handshake: read to hear it.
        var buffer = new byte[1];
        using var read = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            var count = await tls.ReadAsync(buffer, read.Token);
            if (count == 0)
            {
                throw new AuthenticationException("the silo closed the connection after the handshake");
            }
        }
        catch (OperationCanceledException)
        {
            // Nothing to read and still open: the silo accepted us and waits for the Orleans preamble.
        }
    }
}
