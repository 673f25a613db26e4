using System.Net;

namespace StatefulSpot.Silo.Security;

/// <summary>
/// Who may read the silo's web host (section <c>StatefulSpot:WebAuth</c>): the dashboard, its live log stream
/// (<c>/Trace</c>) and grain state, <c>/metrics</c>, and every later page or API. A request must carry one of
/// <see cref="ApiKeys"/> as <c>Authorization: Bearer &lt;key&gt;</c>, or as the password of HTTP Basic authentication
/// (any user name; what a browser asks for). The health endpoints stay open for load balancers.
/// </summary>
public sealed class WebAuthOptions
{
    public const string Section = "StatefulSpot:WebAuth";

    /// <summary>The shortest key accepted: 32 characters (e.g. <c>openssl rand -hex 32</c> gives 64).</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>
    /// The keys that open the web host; more than one lets a key be rotated without downtime. Default empty: on a
    /// loopback <c>DashboardUrl</c> the pages are open (local mode), on any other address the silo refuses to start
    /// unless <see cref="AllowAnonymous"/> is set. Once a key is set, every page needs one, loopback or not.
    /// </summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>
    /// Serve the pages without authentication on a non-loopback address: only behind a proxy that authenticates every
    /// request itself. Default false.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>True when requests must carry a key.</summary>
    public bool IsRequired => ApiKeys.Count > 0;

    /// <summary>Each problem with the keys, and a refusal to serve an exposed <paramref name="dashboardUrl"/> to anyone.</summary>
    public IReadOnlyList<string> Validate(string dashboardUrl)
    {
        var problems = new List<string>();
        for (var i = 0; i < ApiKeys.Count; i++)
        {
            var key = ApiKeys[i] ?? "";
            if (key.Length < MinimumKeyLength || key.Any(char.IsWhiteSpace))
            {
                problems.Add($"{Section}:ApiKeys:{i} must be at least {MinimumKeyLength} characters without spaces (generate one with `openssl rand -hex 32`).");
            }
        }

        if (IsRequired && AllowAnonymous)
        {
            problems.Add($"{Section}:AllowAnonymous and {Section}:ApiKeys are both set: keep the keys, or AllowAnonymous behind an authenticating proxy, not both.");
        }

        if (!IsRequired && !AllowAnonymous && Uri.TryCreate(dashboardUrl, UriKind.Absolute, out var url) && !IsLoopback(url))
        {
            problems.Add($"StatefulSpot:DashboardUrl {dashboardUrl} is not a loopback address, so the dashboard (with its live log stream and grain "
                + $"state) and /metrics would be open to anyone who reaches it: set {Section}:ApiKeys:0 (environment variable "
                + $"StatefulSpot__WebAuth__ApiKeys__0) to a key of at least {MinimumKeyLength} characters, or {Section}:AllowAnonymous=true when a proxy "
                + "in front authenticates every request.");
        }

        return problems;
    }

    /// <summary>Whether <paramref name="url"/> listens on loopback only (<c>localhost</c>, 127.0.0.0/8, <c>::1</c>).</summary>
    public static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
