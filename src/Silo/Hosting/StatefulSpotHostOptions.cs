namespace StatefulSpot.Silo.Hosting;

public enum HostMode
{
    /// <summary>One silo, localhost clustering, SQLite grain state, the AWS emulator in-process.</summary>
    Local = 1,
}

/// <summary>How the silo host runs. Bound from configuration section <see cref="Section"/>.</summary>
public sealed class StatefulSpotHostOptions
{
    public const string Section = "StatefulSpot";

    /// <summary>local (the default). Cluster mode comes with PostgreSQL.</summary>
    public HostMode Mode { get; set; } = HostMode.Local;

    /// <summary>Where local mode keeps its SQLite database and the emulator's world file. Default <c>data</c> (relative to the working directory).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Where the web host (Orleans dashboard) listens. Default http://127.0.0.1:5080; loopback unless changed.</summary>
    public string DashboardUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Orleans ClusterId / ServiceId. The ServiceId must stay fixed for stored state to be found again.</summary>
    public string ClusterId { get; set; } = "statefulspot-local";

    public string ServiceId { get; set; } = "statefulspot";

    /// <summary>Silo-to-silo port of local mode. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port of local mode. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Mode))
        {
            problems.Add($"{Section}:Mode must be 'local'.");
        }

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            problems.Add($"{Section}:DataDirectory must name a directory.");
        }

        if (!Uri.TryCreate(DashboardUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            problems.Add($"{Section}:DashboardUrl must be an http(s) URL such as http://127.0.0.1:5080.");
        }

        if (string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId))
        {
            problems.Add($"{Section}:ClusterId and {Section}:ServiceId must not be empty.");
        }

        if (SiloPort is < 1 or > 65535 || GatewayPort is < 1 or > 65535 || SiloPort == GatewayPort)
        {
            problems.Add($"{Section}:SiloPort and {Section}:GatewayPort must be two different ports between 1 and 65535.");
        }

        return problems;
    }
}
