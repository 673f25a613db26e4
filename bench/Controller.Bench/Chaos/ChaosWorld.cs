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

    public sealed record Instance(string Id, string State, string? Owner, string? PrivateIp, IReadOnlyList<string> VolumeIds);

    public sealed record Volume(string Id, string State, string? Owner, IReadOnlyList<string> AttachedTo);

    public sealed record Tagged(string Id, string State, string? Owner);

    public sealed record Address(string AllocationId, string? InstanceId, string? PrivateIp);

    public static ChaosWorld Read(JsonDocument world)
    {
        var root = world.RootElement;
        return new ChaosWorld(
            [.. WorldJson.Items(root, "instances").Select(i => new Instance(WorldJson.Text(i, "instanceId")!, WorldJson.Text(i, "state")!, WorldJson.Owner(i), WorldJson.Text(i, "privateIpAddress"),
                [.. WorldJson.Items(i, "blockDevices").Select(b => WorldJson.Text(b, "volumeId")).OfType<string>()]))],
            [.. WorldJson.Items(root, "volumes").Select(v => new Volume(WorldJson.Text(v, "volumeId")!, WorldJson.Text(v, "state")!, WorldJson.Owner(v),
                [.. WorldJson.Items(v, "attachments").Select(a => WorldJson.Text(a, "instanceId")).OfType<string>()]))],
            [.. WorldJson.Items(root, "networkInterfaces").Select(n => new Tagged(WorldJson.Text(n, "networkInterfaceId")!, WorldJson.Text(n, "status") ?? "", WorldJson.Owner(n)))],
            [.. WorldJson.Items(root, "snapshots").Select(s => new Tagged(WorldJson.Text(s, "snapshotId")!, WorldJson.Text(s, "state") ?? "", WorldJson.Owner(s)))],
            [.. WorldJson.Items(root, "images").Select(i => new Tagged(WorldJson.Text(i, "imageId")!, WorldJson.Text(i, "state") ?? "", WorldJson.Owner(i)))],
            [.. WorldJson.Items(root, "addresses").Select(a => new Address(WorldJson.Text(a, "allocationId")!, WorldJson.Text(a, "instanceId"), WorldJson.Text(a, "privateIpAddress")))]);
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

}
