using System.Text.Json;

namespace StatefulSpot.Controller.Bench.Chaos;

/// <summary>What of the emulator's world the chaos checks read: everything tagged with a managed instance, by owner.</summary>
internal sealed record ChaosWorld(
    IReadOnlyList<ChaosWorld.Instance> Instances,
    IReadOnlyList<ChaosWorld.Volume> Volumes,
    IReadOnlyList<ChaosWorld.Tagged> NetworkInterfaces,
    IReadOnlyList<ChaosWorld.Tagged> Snapshots,
    IReadOnlyList<ChaosWorld.Tagged> Images,
    IReadOnlyList<ChaosWorld.Address> Addresses)
{
    private const string OwnerTag = "statefulspot:managed-instance";

    public sealed record Instance(string Id, string State, string? Owner, string? PrivateIp, IReadOnlyList<string> VolumeIds);

    public sealed record Volume(string Id, string State, string? Owner, IReadOnlyList<string> AttachedTo);

    public sealed record Tagged(string Id, string State, string? Owner);

    public sealed record Address(string AllocationId, string? InstanceId, string? PrivateIp);

    public static ChaosWorld Read(JsonDocument world)
    {
        var root = world.RootElement;
        return new ChaosWorld(
            [.. Items(root, "instances").Select(i => new Instance(Text(i, "instanceId")!, Text(i, "state")!, Owner(i), Text(i, "privateIpAddress"),
                [.. Items(i, "blockDevices").Select(b => Text(b, "volumeId")).OfType<string>()]))],
            [.. Items(root, "volumes").Select(v => new Volume(Text(v, "volumeId")!, Text(v, "state")!, Owner(v),
                [.. Items(v, "attachments").Select(a => Text(a, "instanceId")).OfType<string>()]))],
            [.. Items(root, "networkInterfaces").Select(n => new Tagged(Text(n, "networkInterfaceId")!, Text(n, "status") ?? "", Owner(n)))],
            [.. Items(root, "snapshots").Select(s => new Tagged(Text(s, "snapshotId")!, Text(s, "state") ?? "", Owner(s)))],
            [.. Items(root, "images").Select(i => new Tagged(Text(i, "imageId")!, Text(i, "state") ?? "", Owner(i)))],
            [.. Items(root, "addresses").Select(a => new Address(Text(a, "allocationId")!, Text(a, "instanceId"), Text(a, "privateIpAddress")))]);
    }

    /// <summary>Instances of <paramref name="owner"/> that are not terminated.</summary>
    public IEnumerable<Instance> LiveInstancesOf(string owner) => Instances.Where(i => i.Owner == owner && i.State != "terminated");

    /// <summary>Everything still tagged with one of <paramref name="owners"/> (terminated instances and deregistered images aside).</summary>
    public List<string> LeftOf(IReadOnlySet<string> owners) =>
    [
        .. Instances.Where(i => i.Owner is { } o && owners.Contains(o) && i.State != "terminated").Select(i => $"{i.Id} ({i.State})"),
        .. Volumes.Where(v => v.Owner is { } o && owners.Contains(o)).Select(v => $"{v.Id} ({v.State})"),
        .. NetworkInterfaces.Where(n => n.Owner is { } o && owners.Contains(o)).Select(n => n.Id),
        .. Snapshots.Where(s => s.Owner is { } o && owners.Contains(o)).Select(s => s.Id),
        .. Images.Where(i => i.Owner is { } o && owners.Contains(o) && i.State != "deregistered").Select(i => i.Id),
    ];

    /// <summary>Volumes attached to more than one instance, and managed instances with more than one live instance.</summary>
    public List<string> DoubleAttachments(IEnumerable<string> owners) =>
    [
        .. Volumes.Where(v => v.AttachedTo.Count > 1).Select(v => $"{v.Id} attached to {string.Join(", ", v.AttachedTo)}"),
        .. owners.Where(o => LiveInstancesOf(o).Count(i => i.State is "pending" or "running") > 1)
            .Select(o => $"{o} runs {string.Join(", ", LiveInstancesOf(o).Select(i => i.Id))}"),
    ];

    private static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        element.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [];

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Owner(JsonElement element) =>
        element.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(OwnerTag, out var owner)
            ? owner.GetString()
            : null;
}
