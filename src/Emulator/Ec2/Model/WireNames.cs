namespace StatefulSpot.Emulator.Ec2.Model;

/// <summary>The strings EC2 uses on the wire for the model's enums.</summary>
internal static class WireNames
{
    public static string ToWire(this InstanceStateName state) => state switch
    {
        InstanceStateName.Pending => "pending",
        InstanceStateName.Running => "running",
        InstanceStateName.ShuttingDown => "shutting-down",
        InstanceStateName.Terminated => "terminated",
        InstanceStateName.Stopping => "stopping",
        InstanceStateName.Stopped => "stopped",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static string ToWire(this VolumeState state) => state switch
    {
        VolumeState.Creating => "creating",
        VolumeState.Available => "available",
        VolumeState.InUse => "in-use",
        VolumeState.Deleting => "deleting",
        VolumeState.Deleted => "deleted",
        VolumeState.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static string ToWire(this AttachmentState state) => state switch
    {
        AttachmentState.Attaching => "attaching",
        AttachmentState.Attached => "attached",
        AttachmentState.Detaching => "detaching",
        AttachmentState.Detached => "detached",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static string ToWire(this NetworkInterfaceStatus status) => status switch
    {
        NetworkInterfaceStatus.Pending => "pending",
        NetworkInterfaceStatus.Available => "available",
        NetworkInterfaceStatus.Attaching => "attaching",
        NetworkInterfaceStatus.InUse => "in-use",
        NetworkInterfaceStatus.Detaching => "detaching",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string ToWire(this SnapshotState state) => state switch
    {
        SnapshotState.Pending => "pending",
        SnapshotState.Completed => "completed",
        SnapshotState.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static string ToWire(this ImageState state) => state switch
    {
        ImageState.Pending => "pending",
        ImageState.Available => "available",
        ImageState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
