using StatefulSpot.Client.Security;

namespace StatefulSpot.Silo.Security;

public static class SiloTlsExtensions
{
    /// <summary>
    /// Mutual TLS on this silo's silo port, its gateway and its connections to other silos (Orleans'
    /// <c>UseTls</c>): it presents <paramref name="credentials"/>' certificate and requires a trusted one from every peer,
    /// silo or client; a connection without one is closed during the handshake.
    /// </summary>
    public static ISiloBuilder UseStatefulSpotTls(this ISiloBuilder silo, TlsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return silo.UseTls(credentials.Certificate, credentials.Apply);
    }
}
