using Amazon.EC2;
using Amazon.EC2.Model;

namespace StatefulSpot.Grains.Ec2;

/// <summary>The tags StatefulSpot puts on what it creates for a managed instance, spelled once.</summary>
public static class ResourceTags
{
    /// <summary>A stand-in client token on snapshots (CreateSnapshot takes none): looked for before creating.</summary>
    public const string Token = "statefulspot:client-token";

    /// <summary>A volume or ENI at a device: Name, managed instance, device.</summary>
    public static IReadOnlyDictionary<string, string> Device(string managedInstanceId, string specName, string deviceName) => new Dictionary<string, string>
    {
        [TagKeys.Name] = $"{specName} {deviceName}",
        [TagKeys.ManagedInstance] = managedInstanceId,
        [TagKeys.Device] = deviceName,
    };

    /// <summary>
    /// A snapshot: the managed instance, its client token and, for a per-device snapshot (pruned per device), the device
    /// and generation. A final root snapshot carries no device: it belongs to an image and goes with it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Snapshot(string managedInstanceId, string token, string? deviceName = null, int? generation = null)
    {
        var tags = new Dictionary<string, string> { [TagKeys.ManagedInstance] = managedInstanceId };
        if (deviceName is not null)
        {
            tags[TagKeys.Device] = deviceName;
        }

        if (generation is { } g)
        {
            tags[TagKeys.Generation] = g.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        tags[Token] = token;
        return tags;
    }

    /// <summary>Ownership only (images, import snapshots): the IAM policy lets StatefulSpot destroy only what carries it.</summary>
    public static TagSpecification Own(ResourceType resourceType, string managedInstanceId) =>
        new() { ResourceType = resourceType, Tags = [new Tag(TagKeys.ManagedInstance, managedInstanceId)] };

    public static TagSpecification Specification(ResourceType resourceType, IReadOnlyDictionary<string, string> tags) =>
        new() { ResourceType = resourceType, Tags = [.. tags.Select(t => new Tag(t.Key, t.Value))] };
}
