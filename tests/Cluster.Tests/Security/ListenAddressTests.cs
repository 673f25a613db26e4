using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using StatefulSpot.Silo.Hosting;

namespace StatefulSpot.Cluster.Tests.Security;

/// <summary><c>StatefulSpot:SiloListenAddress</c> and <c>StatefulSpot:GatewayListenAddress</c>: each port listens where told, and only there.</summary>
public sealed class ListenAddressTests
{
    [Fact]
    public async Task TheSiloAndGatewayPorts_ListenOnTheConfiguredAddresses_AndNowhereElse()
    {
        // Linux routes all of 127.0.0.0/8 to loopback: three addresses of this host that are not 127.0.0.1.
        await using var silo = await LocalSilo.StartAsync(new Dictionary<string, string?>
        {
            ["SiloListenAddress"] = "127.0.0.2",
            ["GatewayListenAddress"] = "127.0.0.3",
        });

        Assert.True(await AcceptsAsync("127.0.0.2", silo.Host.SiloPort), "the silo port does not listen on 127.0.0.2");
        Assert.True(await AcceptsAsync("127.0.0.3", silo.Host.GatewayPort), "the gateway port does not listen on 127.0.0.3");
        Assert.False(await AcceptsAsync("127.0.0.1", silo.Host.SiloPort), "the silo port also listens on 127.0.0.1");
        Assert.False(await AcceptsAsync("127.0.0.1", silo.Host.GatewayPort), "the gateway port also listens on 127.0.0.1");
        Assert.False(await AcceptsAsync("127.0.0.4", silo.Host.GatewayPort), "the gateway port listens on every address");
    }

    [Fact]
    public async Task LocalMode_ListensOnLoopbackOnly_ByDefault()
    {
        await using var silo = await LocalSilo.StartAsync(new Dictionary<string, string?>());

        Assert.True(await AcceptsAsync("127.0.0.1", silo.Host.GatewayPort), "the gateway port does not listen on 127.0.0.1");
        Assert.False(await AcceptsAsync("127.0.0.5", silo.Host.GatewayPort), "the gateway port listens beyond 127.0.0.1");
        Assert.False(await AcceptsAsync("127.0.0.5", silo.Host.SiloPort), "the silo port listens beyond 127.0.0.1");
    }

    [Theory]
    [InlineData("local", null, "127.0.0.1")]
    [InlineData("cluster", null, "0.0.0.0")]
    [InlineData("cluster", "10.0.1.17", "10.0.1.17")]
    [InlineData("local", "::1", "::1")]
    public void TheListenAddress_IsTheConfiguredOne_OrTheModesDefault(string mode, string? configured, string expected)
    {
        var host = new StatefulSpotHostOptions
        {
            Mode = mode == "cluster" ? HostMode.Cluster : HostMode.Local,
            SiloListenAddress = configured,
            GatewayListenAddress = configured,
        };

        Assert.Equal(IPAddress.Parse(expected), host.SiloListenIPAddress);
        Assert.Equal(IPAddress.Parse(expected), host.GatewayListenIPAddress);
    }

    [Theory]
    [InlineData("SiloListenAddress", "eth0")]
    [InlineData("GatewayListenAddress", "10.0.0.300")]
    public void AListenAddressThatIsNotAnIpAddress_IsNamed(string key, string value)
    {
        var (_, problems) = StatefulSpotHostOptions.Bind(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["StatefulSpot:" + key] = value }).Build());

        Assert.Contains(problems, p => p.StartsWith($"StatefulSpot:{key} must be an IP address of this host", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AListenAddressThisHostDoesNotHave_IsExplainedNamingTheSetting()
    {
        // 192.0.2.0/24 is TEST-NET-1: never an address of this host.
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var silo = await LocalSilo.StartAsync(new Dictionary<string, string?> { ["GatewayListenAddress"] = "192.0.2.10" });
        });

        var explained = AddressNotAvailable.Explain(exception, new StatefulSpotHostOptions { GatewayListenAddress = "192.0.2.10" });
        Assert.NotNull(explained);
        Assert.Contains("StatefulSpot:GatewayListenAddress (192.0.2.10)", explained);
    }

    private static async Task<bool> AcceptsAsync(string address, int port)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(IPAddress.Parse(address), port).WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
