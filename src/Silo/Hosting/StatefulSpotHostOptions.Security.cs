using System.Net;
using StatefulSpot.Client.Security;

namespace StatefulSpot.Silo.Hosting;

/// <summary>The listen addresses, mutual TLS and the web host's authentication of <see cref="StatefulSpotHostOptions"/>.</summary>
public sealed partial class StatefulSpotHostOptions
{
    /// <summary>How problems name the TLS keys: <c>StatefulSpot:Tls:CertificatePath</c>.</summary>
    public const string TlsKeyPrefix = Section + ":" + nameof(Tls) + ":";

    /// <summary>Where the silo port listens: <see cref="SiloListenAddress"/>, or the mode's default.</summary>
    public IPAddress SiloListenIPAddress => ListenAddress(SiloListenAddress);

    /// <summary>Where the gateway port listens: <see cref="GatewayListenAddress"/>, or the mode's default.</summary>
    public IPAddress GatewayListenIPAddress => ListenAddress(GatewayListenAddress);

    /// <summary>This silo's TLS credentials; null when <see cref="Tls"/> is off. Call only on validated options.</summary>
    public TlsCredentials? LoadTls() => Tls.IsEnabled ? TlsCredentialLoader.Load(Tls, TlsKeyPrefix, TlsRole.Silo) : null;

    private IPAddress ListenAddress(string? configured) =>
        configured is not null && IPAddress.TryParse(configured, out var address) ? address
        : Mode == HostMode.Cluster ? IPAddress.Any
        : IPAddress.Loopback;

    private void ValidateSecurity(List<string> problems)
    {
        foreach (var (key, value) in new[] { (nameof(SiloListenAddress), SiloListenAddress), (nameof(GatewayListenAddress), GatewayListenAddress) })
        {
            if (value is not null && !IPAddress.TryParse(value, out _))
            {
                problems.Add($"{Section}:{key} must be an IP address of this host (0.0.0.0 for every address), not '{value}'.");
            }
        }

        problems.AddRange(TlsCredentialLoader.TryLoad(Tls, TlsKeyPrefix, TlsRole.Silo).Problems);
        problems.AddRange(WebAuth.Validate(DashboardUrl));
    }
}
