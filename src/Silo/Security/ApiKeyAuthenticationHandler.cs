using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace StatefulSpot.Silo.Security;

/// <summary>The keys of the <see cref="WebAuthDefaults.Scheme"/> scheme, kept as SHA-256 digests.</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    private byte[][] _digests = [];

    /// <summary>Replaces the accepted keys.</summary>
    public void SetKeys(IEnumerable<string> keys) => _digests = [.. keys.Select(Digest)];

    /// <summary>
    /// The index of the key <paramref name="presented"/> is, or -1. Every key is compared, in time that depends neither
    /// on where the first difference is nor on which key matched (digests of equal length, fixed-time compares).
    /// </summary>
    public int Match(string presented)
    {
        var digest = Digest(presented);
        var match = -1;
        for (var i = 0; i < _digests.Length; i++)
        {
            var equal = CryptographicOperations.FixedTimeEquals(digest, _digests[i]);
            match = equal && match < 0 ? i : match;
        }

        return match;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>
/// Authenticates a request that carries a configured key as <c>Authorization: Bearer &lt;key&gt;</c> (scripts,
/// Prometheus) or as the password of <c>Authorization: Basic</c> with any user name (browsers); the identity is the
/// key's position, <c>api-key-0</c>, never the key. A challenge offers both schemes, so a browser asks for the key.
/// </summary>
public sealed partial class ApiKeyAuthenticationHandler(IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    /// <summary>The claim that names which configured key (its index) authenticated the request.</summary>
    public const string KeyIndexClaim = "statefulspot:api-key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ReadKey(Request.Headers.Authorization.ToString()) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var index = Options.Match(presented);
        if (index < 0)
        {
            LogWrongKey(Logger, Request.Method, Request.Path.Value ?? "/", Context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return Task.FromResult(AuthenticateResult.Fail("The key is not one of StatefulSpot:WebAuth:ApiKeys."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, $"api-key-{index}"), new Claim(KeyIndexClaim, index.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Bearer realm=\"{WebAuthDefaults.Realm}\"");
        Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Basic realm=\"{WebAuthDefaults.Realm}\", charset=\"UTF-8\"");
        return Task.CompletedTask;
    }

    /// <summary>The key of a Bearer or Basic <c>Authorization</c> header; null for none or any other form.</summary>
    public static string? ReadKey(string header)
    {
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return null;
        }

        var scheme = header[..space];
        var value = header[(space + 1)..].Trim();
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return value.Length > 0 ? value : null;
        }

        if (!scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var bytes = new byte[value.Length];
        if (!Convert.TryFromBase64String(value, bytes, out var length))
        {
            return null;
        }

        var pair = Encoding.UTF8.GetString(bytes, 0, length);
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && colon < pair.Length - 1 ? pair[(colon + 1)..] : null;
    }

    [LoggerMessage(1, LogLevel.Warning, "Web request {Method} {Path} from {RemoteAddress} refused: its key is not one of StatefulSpot:WebAuth:ApiKeys")]
    private static partial void LogWrongKey(ILogger logger, string method, string path, string remoteAddress);
}
