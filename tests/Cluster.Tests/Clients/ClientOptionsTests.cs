using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StatefulSpot.Client;

namespace StatefulSpot.Cluster.Tests.Clients;

public sealed class ClientOptionsTests
{
    [Fact]
    public void TheResponseTimeoutAndGatewayRefresh_ReachOrleans_WithDefaultsShorterThanItsOwn()
    {
        using var defaults = new ServiceCollection().AddStatefulSpotClient(o => o.UseLocalhost()).BuildServiceProvider();
        using var tuned = new ServiceCollection()
            .AddStatefulSpotClient(o =>
            {
                o.UseLocalhost();
                o.ResponseTimeout = TimeSpan.FromSeconds(4);
                o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(3);
            })
            .BuildServiceProvider();

        Assert.Equal(TimeSpan.FromSeconds(15), defaults.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod);
        Assert.Equal(TimeSpan.FromSeconds(4), tuned.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), tuned.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod);
    }

    [Theory]
    [InlineData(nameof(StatefulSpotClientOptions.ResponseTimeout))]
    [InlineData(nameof(StatefulSpotClientOptions.GatewayListRefreshPeriod))]
    public void ANonPositiveTimeout_IsRefusedAtRegistration_NamingTheSetting(string setting)
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddStatefulSpotClient(o =>
        {
            o.UseLocalhost();
            if (setting == nameof(StatefulSpotClientOptions.ResponseTimeout))
            {
                o.ResponseTimeout = TimeSpan.Zero;
            }
            else
            {
                o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(-1);
            }
        }));

        Assert.Contains($"{setting} must be positive", error.Message, StringComparison.Ordinal);
    }
}
