using System.Net.Sockets;

namespace StatefulSpot.Silo.Hosting;

/// <summary>
/// Start-up failures that are a port someone else holds (the dashboard's web host, the silo or gateway port): a
/// sentence that names the port and the setting to change, instead of an unhandled exception.
/// </summary>
public static class PortInUse
{
    /// <summary>The sentence for <paramref name="exception"/> when a port was in use; null for any other failure.</summary>
    public static string? Explain(Exception exception, StatefulSpotHostOptions host)
    {
        if (!IsAddressInUse(exception))
        {
            return null;
        }

        var text = exception.ToString();
        var dashboard = Uri.TryCreate(host.DashboardUrl, UriKind.Absolute, out var url) ? url.Port : -1;
        var which = dashboard > 0 && text.Contains($":{dashboard}", StringComparison.Ordinal)
            ? $"the web host's address {host.DashboardUrl} (StatefulSpot:DashboardUrl)"
            : $"the silo port {host.SiloPort} (StatefulSpot:SiloPort) or the gateway port {host.GatewayPort} (StatefulSpot:GatewayPort)";
        return $"{which} is already in use: another StatefulSpot, or another program, listens there. Stop it or choose a free port.";
    }

    private static bool IsAddressInUse(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                || e.GetType().Name == "AddressInUseException"
                || (e is IOException && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsAddressInUse))
            {
                return true;
            }
        }

        return false;
    }
}
