namespace StatefulSpot.Emulator.Ec2.Model;

/// <summary>An instance together with what is derived from the rest of the world: its interfaces, volumes, private and public IP.</summary>
internal readonly record struct InstanceView(Instance Instance, Ec2State State)
{
    public NetworkInterface? PrimaryInterface => State.PrimaryInterfaceOf(Instance.InstanceId);

    public string? PrivateIpAddress => PrimaryInterface?.PrivateIpAddress;

    /// <summary>The Elastic IP bound to the primary interface, if any.</summary>
    public string? PublicIpAddress => PrimaryInterface is { } eni ? State.AddressOf(eni.NetworkInterfaceId)?.PublicIp : null;

    public IEnumerable<NetworkInterface> Interfaces => State.InterfacesAttachedTo(Instance.InstanceId);

    /// <summary>Attached volumes, root device first.</summary>
    public IEnumerable<Volume> Volumes
    {
        get
        {
            var root = Instance.RootDeviceName;
            return State.VolumesAttachedTo(Instance.InstanceId).OrderBy(v => v.Attachment!.Device == root ? 0 : 1);
        }
    }
}
