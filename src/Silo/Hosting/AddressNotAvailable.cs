using System.Net.Sockets;

namespace StatefulSpot.Silo.Hosting;

/// <summary>
/// Start-up failures that are a listen address this host does not have (a listen address or a DashboardUrl naming
/// another machine's IP): a sentence naming the settings to check, instead of an unhandled exception.
/// </summary>
public static class AddressNotAvailable
{
    /// <summary>The sentence for <paramref name="exception"/> when an address could not be bound; null for any other failure.</summary>
    public static string? Explain(Exception exception, StatefulSpotHostOptions host)
    {
        if (!IsAddressNotAvailable(exception))
        {
            return null;
        }

        var configured = new (string Key, string? Value)[]
        {
            ("StatefulSpot:SiloListenAddress", host.SiloListenAddress),
            ("StatefulSpot:GatewayListenAddress", host.GatewayListenAddress),
            ("StatefulSpot:DashboardUrl", host.DashboardUrl),
        }.Where(s => s.Value is not null).Select(s => $"{s.Key} ({s.Value})");
        return $"an address to listen on is not an address of this host: check {string.Join(", ", configured)}; "
            + "use one of this host's IP addresses, or 0.0.0.0 for every address.";
    }

    private static bool IsAddressNotAvailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressNotAvailable }
                || (e is IOException && e.Message.Contains("address not available", StringComparison.OrdinalIgnoreCase))
                || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsAddressNotAvailable)))
            {
                return true;
            }
        }

        return false;
    }
}
