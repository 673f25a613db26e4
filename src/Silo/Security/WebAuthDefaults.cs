namespace StatefulSpot.Silo.Security;

/// <summary>Names of the web host's authentication, for the pages and APIs that share it.</summary>
public static class WebAuthDefaults
{
    /// <summary>The authentication scheme of <see cref="ApiKeyAuthenticationHandler"/>.</summary>
    public const string Scheme = "StatefulSpotApiKey";

    /// <summary>An authorization policy that requires <see cref="Scheme"/>: <c>endpoint.RequireAuthorization(WebAuthDefaults.Policy)</c>.</summary>
    public const string Policy = "StatefulSpotApi";

    /// <summary>The realm of the challenge (the name a browser shows when it asks for the key).</summary>
    public const string Realm = "StatefulSpot";
}
