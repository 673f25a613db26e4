namespace StatefulSpot.Emulator.Ec2.Model;

/// <summary>What a ClientToken was first used for: the request fingerprint and the resources it created.</summary>
internal sealed record IdempotencyRecord(string Fingerprint, IReadOnlyList<string> ResourceIds);

/// <summary>All EC2 resources of the world. Plain data: the rules live in the operation classes.</summary>
internal sealed class Ec2State
{
    public Dictionary<string, Instance> Instances { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, Volume> Volumes { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, NetworkInterface> NetworkInterfaces { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, MachineImage> Images { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, Snapshot> Snapshots { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, ElasticAddress> Addresses { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Capacity set at run time, keyed by <see cref="PoolKey"/>; a null value is unlimited. Overrides the world file.</summary>
    public Dictionary<string, int?> CapacityOverrides { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Tags of the world's subnets (CreateTags / DeleteTags change them).</summary>
    public Dictionary<string, Dictionary<string, string>> SubnetTags { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Keyed by "{Action}:{ClientToken}".</summary>
    public Dictionary<string, IdempotencyRecord> ClientTokens { get; init; } = new(StringComparer.Ordinal);

    public long LastSequence { get; set; }

    public long NextSequence() => ++LastSequence;

    public IEnumerable<Volume> VolumesAttachedTo(string instanceId) =>
        Volumes.Values.Where(v => v.Attachment?.InstanceId == instanceId).OrderBy(v => v.Attachment!.AttachTime).ThenBy(v => v.Sequence);

    public IEnumerable<NetworkInterface> InterfacesAttachedTo(string instanceId) =>
        NetworkInterfaces.Values.Where(n => n.Attachment?.InstanceId == instanceId).OrderBy(n => n.Attachment!.DeviceIndex);

    public NetworkInterface? PrimaryInterfaceOf(string instanceId) =>
        NetworkInterfaces.Values.FirstOrDefault(n => n.Attachment is { DeviceIndex: 0 } a && a.InstanceId == instanceId);

    public ElasticAddress? AddressOf(string networkInterfaceId) =>
        Addresses.Values.FirstOrDefault(a => a.NetworkInterfaceId == networkInterfaceId);

    public static string PoolKey(string instanceType, string zone, string market) => instanceType + "|" + zone + "|" + market;
}
