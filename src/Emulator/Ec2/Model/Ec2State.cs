using System.Text.Json.Serialization;

namespace StatefulSpot.Emulator.Ec2.Model;

/// <summary>What a ClientToken was first used for: the request fingerprint and the resources it created.</summary>
internal sealed record IdempotencyRecord(string Fingerprint, IReadOnlyList<string> ResourceIds);

/// <summary>
/// All EC2 resources of the world. Plain data (the rules live in the operation classes) plus two derived indexes,
/// volumes and network interfaces by the instance they are attached to, so rendering an instance does not scan the
/// world. Volumes and interfaces are therefore added, removed, attached and detached only through the methods here.
/// </summary>
internal sealed class Ec2State : IJsonOnDeserialized
{
    private readonly Dictionary<string, List<Volume>> _volumesByInstance = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NetworkInterface>> _interfacesByInstance = new(StringComparer.Ordinal);

    /// <summary>In launch order.</summary>
    public ResourceTable<Instance> Instances { get; init; } = new();

    /// <summary>In creation order. Change through <see cref="Add(Volume)"/>, <see cref="Remove(Volume)"/>, <see cref="SetAttachment(Volume, VolumeAttachment?)"/>.</summary>
    public ResourceTable<Volume> Volumes { get; init; } = new();

    /// <summary>Change through <see cref="Add(NetworkInterface)"/>, <see cref="Remove(NetworkInterface)"/>, <see cref="SetAttachment(NetworkInterface, NetworkInterfaceAttachment?)"/>.</summary>
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

    public void Add(Volume volume)
    {
        Volumes.Add(volume);
        if (volume.Attachment is { } attachment)
        {
            Index(_volumesByInstance, attachment.InstanceId, volume);
        }
    }

    public void Remove(Volume volume)
    {
        if (Volumes.Remove(volume.VolumeId) && volume.Attachment is { } attachment)
        {
            Unindex(_volumesByInstance, attachment.InstanceId, volume);
        }
    }

    /// <summary>Attaches (or with null detaches) a volume of the world.</summary>
    public void SetAttachment(Volume volume, VolumeAttachment? attachment)
    {
        if (volume.Attachment is { } old)
        {
            Unindex(_volumesByInstance, old.InstanceId, volume);
        }

        volume.Attachment = attachment;
        if (attachment is not null)
        {
            Index(_volumesByInstance, attachment.InstanceId, volume);
        }
    }

    public void Add(NetworkInterface eni)
    {
        NetworkInterfaces[eni.NetworkInterfaceId] = eni;
        if (eni.Attachment is { } attachment)
        {
            Index(_interfacesByInstance, attachment.InstanceId, eni);
        }
    }

    public void Remove(NetworkInterface eni)
    {
        if (NetworkInterfaces.Remove(eni.NetworkInterfaceId) && eni.Attachment is { } attachment)
        {
            Unindex(_interfacesByInstance, attachment.InstanceId, eni);
        }
    }

    /// <summary>Attaches (or with null detaches) an interface of the world.</summary>
    public void SetAttachment(NetworkInterface eni, NetworkInterfaceAttachment? attachment)
    {
        if (eni.Attachment is { } old)
        {
            Unindex(_interfacesByInstance, old.InstanceId, eni);
        }

        eni.Attachment = attachment;
        if (attachment is not null)
        {
            Index(_interfacesByInstance, attachment.InstanceId, eni);
        }
    }

    /// <summary>The volumes attached to an instance, in attach order.</summary>
    public IReadOnlyList<Volume> VolumesAttachedTo(string instanceId)
    {
        IReadOnlyList<Volume> attached = _volumesByInstance.TryGetValue(instanceId, out var volumes)
            ? [.. volumes.OrderBy(v => v.Attachment!.AttachTime).ThenBy(v => v.Sequence)]
            : [];
        CheckIndex(attached, Volumes.Values.Where(v => v.Attachment?.InstanceId == instanceId), instanceId);
        return attached;
    }

    /// <summary>The interfaces attached to an instance, by device index.</summary>
    public IReadOnlyList<NetworkInterface> InterfacesAttachedTo(string instanceId)
    {
        IReadOnlyList<NetworkInterface> attached = _interfacesByInstance.TryGetValue(instanceId, out var interfaces)
            ? [.. interfaces.OrderBy(n => n.Attachment!.DeviceIndex)]
            : [];
        CheckIndex(attached, NetworkInterfaces.Values.Where(n => n.Attachment?.InstanceId == instanceId), instanceId);
        return attached;
    }

    public NetworkInterface? PrimaryInterfaceOf(string instanceId)
    {
        if (_interfacesByInstance.TryGetValue(instanceId, out var interfaces))
        {
            foreach (var eni in interfaces)
            {
                if (eni.Attachment!.DeviceIndex == 0)
                {
                    return eni;
                }
            }
        }

        return null;
    }

    public ElasticAddress? AddressOf(string networkInterfaceId) =>
        Addresses.Values.FirstOrDefault(a => a.NetworkInterfaceId == networkInterfaceId);

    public static string PoolKey(string instanceType, string zone, string market) => instanceType + "|" + zone + "|" + market;

    /// <summary>Rebuilds the attachment indexes after the state file was read.</summary>
    void IJsonOnDeserialized.OnDeserialized()
    {
        _volumesByInstance.Clear();
        _interfacesByInstance.Clear();
        foreach (var volume in Volumes.Values.Where(v => v.Attachment is not null))
        {
            Index(_volumesByInstance, volume.Attachment!.InstanceId, volume);
        }

        foreach (var eni in NetworkInterfaces.Values.Where(n => n.Attachment is not null))
        {
            Index(_interfacesByInstance, eni.Attachment!.InstanceId, eni);
        }
    }

    private static void Index<T>(Dictionary<string, List<T>> index, string instanceId, T resource)
    {
        if (!index.TryGetValue(instanceId, out var list))
        {
            index[instanceId] = list = [];
        }

        list.Add(resource);
    }

    private static void Unindex<T>(Dictionary<string, List<T>> index, string instanceId, T resource)
    {
        if (index.TryGetValue(instanceId, out var list) && list.Remove(resource) && list.Count == 0)
        {
            index.Remove(instanceId);
        }
    }

    /// <summary>Debug builds (every test run) compare the index with a scan of the world, so a mutation that bypasses it fails loudly.</summary>
    [System.Diagnostics.Conditional("DEBUG")]
    private static void CheckIndex<T>(IReadOnlyList<T> indexed, IEnumerable<T> scanned, string instanceId)
        where T : class
    {
        var expected = scanned.ToHashSet();
        if (expected.Count != indexed.Count || !indexed.All(expected.Contains))
        {
            throw new InvalidOperationException($"The attachment index of {instanceId} is out of date ({indexed.Count} indexed, {expected.Count} attached).");
        }
    }
}
