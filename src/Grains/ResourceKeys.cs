namespace StatefulSpot.Grains;

/// <summary>Keys of resource grains: <c>smi-…/&lt;resource&gt;</c>, where the resource may itself contain '/'.</summary>
public static class ResourceKeys
{
    /// <summary>The resource name of a managed instance's root volume grain (<c>smi-…/root</c>).</summary>
    public const string RootVolume = "root";

    public static string For(string managedInstanceId, string resource) => $"{managedInstanceId}/{resource}";

    public static string ManagedInstance(string key) => key[..IndexOfSeparator(key)];

    public static string Resource(string key) => key[(IndexOfSeparator(key) + 1)..];

    private static int IndexOfSeparator(string key)
    {
        var index = key.IndexOf('/', StringComparison.Ordinal);
        return index > 0 ? index : throw new ArgumentException($"'{key}' is not a resource key (smi-…/<resource>).", nameof(key));
    }
}
