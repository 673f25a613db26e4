namespace StatefulSpot.Emulator.Ec2.Model;

/// <summary>EC2 instance states; the values are EC2's state codes.</summary>
internal enum InstanceStateName
{
    Pending = 0,
    Running = 16,
    ShuttingDown = 32,
    Terminated = 48,
    Stopping = 64,
    Stopped = 80,
}

/// <summary>An EC2 instance. Its volumes and network interfaces are not stored here: they are the volumes / ENIs whose attachment names it.</summary>
internal sealed class Instance
{
    public required string InstanceId { get; init; }

    public required string ReservationId { get; init; }

    public long Sequence { get; init; }

    public int AmiLaunchIndex { get; init; }

    public required string ImageId { get; init; }

    public required string InstanceType { get; init; }

    public InstanceStateName State { get; set; }

    public string? StateReasonCode { get; set; }

    public string? StateReasonMessage { get; set; }

    public string StateTransitionReason { get; set; } = "";

    public DateTimeOffset LaunchTime { get; init; }

    public required string AvailabilityZone { get; init; }

    public required string SubnetId { get; init; }

    public required string VpcId { get; init; }

    public string? KeyName { get; init; }

    public List<string> SecurityGroupIds { get; init; } = [];

    public required string RootDeviceName { get; init; }

    public bool IsSpot { get; init; }

    public string? SpotInstanceRequestId { get; init; }

    public string? ClientToken { get; init; }

    public Dictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);

    /// <summary>When a Spot interruption warning was issued, if any.</summary>
    public DateTimeOffset? InterruptionNoticeTime { get; set; }

    /// <summary>When the interruption action (terminate) takes effect, if a warning was issued.</summary>
    public DateTimeOffset? InterruptionActionTime { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsLive => State is InstanceStateName.Pending or InstanceStateName.Running
        or InstanceStateName.Stopping or InstanceStateName.Stopped;
}
