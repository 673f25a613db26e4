using Microsoft.Extensions.Configuration;
using StatefulSpot.Client.Security;
using StatefulSpot.Silo.Security;

namespace StatefulSpot.Silo.Hosting;

public enum HostMode
{
    /// <summary>One silo, localhost clustering, SQLite grain state, the AWS emulator in-process.</summary>
    Local = 1,

    /// <summary>N silos on PostgreSQL (clustering, grain state, reminders); real AWS or a standalone emulator.</summary>
    Cluster = 2,
}

/// <summary>How the silo host runs. Bound from configuration section <see cref="Section"/>.</summary>
public sealed partial class StatefulSpotHostOptions
{
    public const string Section = "StatefulSpot";

    /// <summary>local (the default) or cluster.</summary>
    public HostMode Mode { get; set; } = HostMode.Local;

    /// <summary>Where local mode keeps its SQLite database and the emulator's world file. Default <c>data</c> (relative to the working directory).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Where the web host (Orleans dashboard, /metrics, health) listens. Default http://127.0.0.1:5080; loopback unless
    /// changed. Any other address needs <see cref="WebAuth"/> keys (or its explicit AllowAnonymous).
    /// </summary>
    public string DashboardUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Orleans ClusterId: silos (and clients) with the same one form a cluster. Default <c>statefulspot-local</c>.</summary>
    public string ClusterId { get; set; } = "statefulspot-local";

    /// <summary>Orleans ServiceId; keys every stored state and reminder, so it must stay fixed. Default <c>statefulspot</c>.</summary>
    public string ServiceId { get; set; } = "statefulspot";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Cluster mode: the PostgreSQL connection string (Npgsql syntax) for clustering, grain state and reminders. Required there.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Cluster mode: the IP address or host name other silos and clients reach this silo at. Default: this host's first
    /// IPv4 address. Where the ports listen is <see cref="SiloListenAddress"/> and <see cref="GatewayListenAddress"/>.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// The IP address the silo-to-silo port listens on, e.g. the host's private address. Default: local mode 127.0.0.1,
    /// cluster mode every address (0.0.0.0).
    /// </summary>
    public string? SiloListenAddress { get; set; }

    /// <summary>The IP address the client gateway port listens on. Default: local mode 127.0.0.1, cluster mode every address (0.0.0.0).</summary>
    public string? GatewayListenAddress { get; set; }

    /// <summary>Mutual TLS on the silo and gateway ports (section <c>StatefulSpot:Tls</c>). Default: off.</summary>
    public StatefulSpotTlsOptions Tls { get; set; } = new();

    /// <summary>Who may read the web host (section <c>StatefulSpot:WebAuth</c>). Default: no keys, loopback only.</summary>
    public WebAuthOptions WebAuth { get; set; } = new();

    /// <summary>Cluster mode: URL of the SQS queue EventBridge delivers the EC2 events to. Required there.</summary>
    public string? EventQueueUrl { get; set; }

    /// <summary>Cluster mode: the AWS region and optional endpoint overrides (the standalone emulator).</summary>
    public StatefulSpotAwsOptions Aws { get; set; } = new();

    /// <summary>
    /// Binds the section from <paramref name="configuration"/>. A value of the wrong type (a mode that is neither local
    /// nor cluster, a port that is not a number) becomes a problem naming its key instead of an exception.
    /// </summary>
    public static (StatefulSpotHostOptions Options, IReadOnlyList<string> Problems) Bind(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        try
        {
            var options = section.Get<StatefulSpotHostOptions>() ?? new StatefulSpotHostOptions();
            return (options, options.Validate());
        }
        catch (InvalidOperationException exception)
        {
            var mode = section[nameof(Mode)];
            var problem = mode is not null && !Enum.TryParse<HostMode>(mode, ignoreCase: true, out _)
                ? $"{Section}:Mode must be 'local' or 'cluster', not '{mode}'."
                : exception.Message + (exception.InnerException is { } inner ? " " + inner.Message : "");
            return (new StatefulSpotHostOptions(), [problem]);
        }
    }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Mode))
        {
            problems.Add($"{Section}:Mode must be 'local' or 'cluster'.");
        }

        if (Mode == HostMode.Local && string.IsNullOrWhiteSpace(DataDirectory))
        {
            problems.Add($"{Section}:DataDirectory must name a directory.");
        }

        if (!Uri.TryCreate(DashboardUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            problems.Add($"{Section}:DashboardUrl must be an http(s) URL such as http://127.0.0.1:5080.");
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            problems.Add($"{Section}:ClusterId must not be empty.");
        }
        else if (ClusterId.Length > 256 || ClusterId.Any(char.IsControl))
        {
            problems.Add($"{Section}:ClusterId is tagged on every instance (statefulspot:cluster): at most 256 characters, no control characters.");
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            problems.Add($"{Section}:ServiceId must not be empty.");
        }

        if (SiloPort is < 1 or > 65535 || GatewayPort is < 1 or > 65535 || SiloPort == GatewayPort)
        {
            problems.Add($"{Section}:SiloPort and {Section}:GatewayPort must be two different ports between 1 and 65535.");
        }

        if (Mode == HostMode.Cluster)
        {
            ValidateCluster(problems);
        }

        ValidateSecurity(problems);
        return problems;
    }

    private void ValidateCluster(List<string> problems)
    {
        const string cluster = "when " + Section + ":Mode is cluster";
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add($"{Section}:ConnectionString is required {cluster} (PostgreSQL, e.g. Host=db;Database=statefulspot;Username=statefulspot;Password=...).");
        }
        else if (!PostgresConnectionString.TryParse(ConnectionString, out var error))
        {
            problems.Add($"{Section}:ConnectionString is not a valid PostgreSQL connection string: {error}");
        }

        if (string.IsNullOrWhiteSpace(EventQueueUrl))
        {
            problems.Add($"{Section}:EventQueueUrl is required {cluster} (the SQS queue URL EventBridge delivers EC2 events to).");
        }
        else if (!IsHttpUrl(EventQueueUrl))
        {
            problems.Add($"{Section}:EventQueueUrl must be an http(s) URL such as https://sqs.us-east-1.amazonaws.com/123456789012/statefulspot-events.");
        }

        if (string.IsNullOrWhiteSpace(Aws.Region))
        {
            problems.Add($"{Section}:Aws:Region is required {cluster} (e.g. us-east-1).");
        }

        if (Aws.Ec2ServiceUrl is not null && !IsHttpUrl(Aws.Ec2ServiceUrl))
        {
            problems.Add($"{Section}:Aws:Ec2ServiceUrl must be an http(s) URL such as http://127.0.0.1:4566.");
        }

        if (Aws.SqsServiceUrl is not null && !IsHttpUrl(Aws.SqsServiceUrl))
        {
            problems.Add($"{Section}:Aws:SqsServiceUrl must be an http(s) URL such as http://127.0.0.1:4566.");
        }

        if (AdvertisedAddress is not null && Uri.CheckHostName(AdvertisedAddress) == UriHostNameType.Unknown)
        {
            problems.Add($"{Section}:AdvertisedAddress must be an IP address or a host name, not '{AdvertisedAddress}'.");
        }
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https";
}

/// <summary>AWS settings of cluster mode (section <c>StatefulSpot:Aws</c>). Credentials come from the default AWS chain.</summary>
public sealed class StatefulSpotAwsOptions
{
    /// <summary>The region of the managed instances, e.g. us-east-1. Required in cluster mode.</summary>
    public string? Region { get; set; }

    /// <summary>Endpoint override for EC2 (the standalone emulator). Default: the region's AWS endpoint.</summary>
    public string? Ec2ServiceUrl { get; set; }

    /// <summary>Endpoint override for SQS (the standalone emulator). Default: the region's AWS endpoint.</summary>
    public string? SqsServiceUrl { get; set; }
}
