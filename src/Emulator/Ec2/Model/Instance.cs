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
internal sealed class Instance : ISequenced
{
    public required string InstanceId { get; init; }

    string ISequenced.Id => InstanceId;

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

    /// <summary>When a rebalance recommendation was issued, if any.</summary>
    public DateTimeOffset? RebalanceRecommendationTime { get; set; }

    /// <summary>When an interruption warning is scheduled to follow a rebalance recommendation, if one is.</summary>
    public DateTimeOffset? ScheduledWarningTime { get; set; }

    /// <summary>Termination protection (ModifyInstanceAttribute DisableApiTermination).</summary>
    public bool DisableApiTermination { get; set; }

    /// <summary>Scheduled events (AWS Health scheduled changes) shown by DescribeInstanceStatus.</summary>
    public List<ScheduledInstanceEvent> ScheduledEvents { get; init; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public string Market => IsSpot ? Core.Catalog.SpotMarket : Core.Catalog.OnDemandMarket;

    /// <summary>A Spot instance that was warned, or will be: it no longer holds pool capacity.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsBeingReclaimed => InterruptionNoticeTime is not null || ScheduledWarningTime is not null;

    /// <summary>Whether the instance holds capacity in its pool (pending, running, stopping or shutting down, not being reclaimed).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HoldsCapacity => State is InstanceStateName.Pending or InstanceStateName.Running or InstanceStateName.Stopping
        or InstanceStateName.ShuttingDown && !IsBeingReclaimed;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsLive => State is InstanceStateName.Pending or InstanceStateName.Running
        or InstanceStateName.Stopping or InstanceStateName.Stopped;
}

/// <summary>An instance event (DescribeInstanceStatus <c>eventsSet</c>), e.g. a scheduled retirement.</summary>
internal sealed record ScheduledInstanceEvent(
    string InstanceEventId, string Code, string Description, DateTimeOffset NotBefore, DateTimeOffset NotAfter);
