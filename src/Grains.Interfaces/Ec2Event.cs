namespace StatefulSpot.Grains.Interfaces;

public enum Ec2EventKind
{
    SpotInterruptionWarning = 1,
    RebalanceRecommendation = 2,
    InstanceStateChange = 3,
    ScheduledChange = 4,
    CapacityReservationInterruptionWarning = 5,
}

/// <summary>
/// One EC2 signal about one instance, parsed from EventBridge JSON. It travels on the
/// <c>ec2-events</c> stream keyed by instance id.
/// </summary>
[GenerateSerializer, Immutable, Alias("statefulspot.ec2-event")]
public sealed record Ec2Event
{
    /// <summary>The EventBridge event id: the key for de-duplication.</summary>
    [Id(0)] public required string EventId { get; init; }
    [Id(1)] public required Ec2EventKind Kind { get; init; }
    [Id(2)] public required string InstanceId { get; init; }

    /// <summary>The EventBridge event time.</summary>
    [Id(3)] public required DateTimeOffset Time { get; init; }
    [Id(4)] public string? Region { get; init; }

    /// <summary>instance-action of a warning (terminate, stop, hibernate) or state of a state-change.</summary>
    [Id(5)] public string? Detail { get; init; }

    /// <summary>When a scheduled change starts (AWS Health startTime).</summary>
    [Id(6)] public DateTimeOffset? NotBefore { get; init; }
}
