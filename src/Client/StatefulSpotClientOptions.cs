using StatefulSpot.Client.Security;

namespace StatefulSpot.Client;

/// <summary>
/// How an external .NET service reaches a StatefulSpot cluster: through the gateways listed in the cluster's PostgreSQL
/// membership table (<see cref="ConnectionString"/> set, cluster mode), or the gateway of a silo on this machine
/// (<see cref="UseLocalhost"/>, local mode).
/// </summary>
public sealed class StatefulSpotClientOptions
{
    /// <summary>
    /// The cluster's PostgreSQL connection string (the silos' <c>StatefulSpot:ConnectionString</c>): gateways are discovered
    /// from its membership table. Null (the default) connects to <see cref="GatewayPort"/> on localhost.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The silos' <c>StatefulSpot:ClusterId</c>. Default <c>statefulspot-local</c>.</summary>
    public string ClusterId { get; set; } = "statefulspot-local";

    /// <summary>The silos' <c>StatefulSpot:ServiceId</c>. Default <c>statefulspot</c>.</summary>
    public string ServiceId { get; set; } = "statefulspot";

    /// <summary>Gateway port of a silo on localhost, used when <see cref="ConnectionString"/> is null. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// How long a call waits for its answer before it fails with a <see cref="TimeoutException"/>: a call in flight to
    /// a gateway silo that died fails after this, and the next call goes to a live gateway. Default 15 seconds
    /// (Orleans' own default is 30). A create that timed out may still have happened: repeat it with the same id.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the client re-reads the live gateways from the membership table. Default 10 seconds (Orleans' own: 1 minute).</summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Mutual TLS to the gateways: required when the silos run with <c>StatefulSpot:Tls</c>. Set
    /// <see cref="StatefulSpotTlsOptions.CertificatePath"/> to this client's certificate (with <c>clientAuth</c> usage) and
    /// <see cref="StatefulSpotTlsOptions.CaCertificatePath"/> to the CA that issued the silos' certificates. Default: off.
    /// </summary>
    public StatefulSpotTlsOptions Tls { get; set; } = new();

    /// <summary>Connects to the gateway of a silo on this machine (local mode) instead of discovering gateways in PostgreSQL.</summary>
    public StatefulSpotClientOptions UseLocalhost(int gatewayPort = 30000)
    {
        ConnectionString = null;
        GatewayPort = gatewayPort;
        return this;
    }

    /// <summary>Every setting that cannot work, each naming the property to fix (the TLS files are read to tell).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            problems.Add($"{nameof(ClusterId)} must not be empty (use the silos' StatefulSpot:ClusterId).");
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            problems.Add($"{nameof(ServiceId)} must not be empty (use the silos' StatefulSpot:ServiceId).");
        }

        if (ConnectionString is not null && string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add($"{nameof(ConnectionString)} must be a PostgreSQL connection string, or null to use localhost.");
        }

        if (ConnectionString is null && GatewayPort is < 1 or > 65535)
        {
            problems.Add($"{nameof(GatewayPort)} must be between 1 and 65535.");
        }

        if (ResponseTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(ResponseTimeout)} must be positive (15 seconds by default).");
        }

        if (GatewayListRefreshPeriod <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(GatewayListRefreshPeriod)} must be positive (10 seconds by default).");
        }

        problems.AddRange(TlsCredentialLoader.TryLoad(Tls, TlsKeyPrefix, TlsRole.Client).Problems);
        return problems;
    }

    /// <summary>How problems name the TLS settings: <c>Tls.CertificatePath</c>.</summary>
    internal const string TlsKeyPrefix = nameof(Tls) + ".";
}
