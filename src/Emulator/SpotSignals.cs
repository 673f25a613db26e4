namespace StatefulSpot.Emulator;

/// <summary>
/// A rebalance recommendation the emulator issued: the "EC2 Instance Rebalance Recommendation" event
/// <paramref name="EventId"/> went on the event queue at <paramref name="NoticeTime"/>; when
/// <paramref name="InterruptionWarningTime"/> is set, the interruption warning follows then.
/// </summary>
public sealed record RebalanceNotice(string InstanceId, DateTimeOffset NoticeTime, string EventId, DateTimeOffset? InterruptionWarningTime);

/// <summary>
/// A pool's capacity after a change, and the Spot instances the change reclaims: warned at once
/// (<paramref name="Interruptions"/>) or, with a rebalance lead, recommended first (<paramref name="Rebalances"/>).
/// <paramref name="Capacity"/> null is unlimited; <paramref name="InUse"/> counts the instances still holding the pool.
/// </summary>
public sealed record CapacityChange(
    string InstanceType,
    string AvailabilityZone,
    string Market,
    int? Capacity,
    int InUse,
    IReadOnlyList<InterruptionNotice> Interruptions,
    IReadOnlyList<RebalanceNotice> Rebalances);

/// <summary>What to announce in an AWS Health scheduled-change event (durations are simulated time, scaled by the time scale).</summary>
public sealed record HealthEventRequest
{
    /// <summary>The Health event type. Default <c>AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED</c>.</summary>
    public string EventTypeCode { get; init; } = "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED";

    /// <summary>How long from now the scheduled window starts (simulated). Default 24 h.</summary>
    public TimeSpan StartsIn { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long the window lasts (simulated). Default 2 h.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(2);

    /// <summary>The event description; null takes a text matching the type.</summary>
    public string? Description { get; init; }
}

/// <summary>
/// An AWS Health scheduled-change event the emulator published (<paramref name="EventId"/> on the event queue) and the
/// matching instance event DescribeInstanceStatus now lists (<paramref name="InstanceEventId"/>, <paramref name="Code"/>).
/// </summary>
public sealed record HealthEventNotice(
    string InstanceId,
    string EventId,
    string EventArn,
    string EventTypeCode,
    string InstanceEventId,
    string Code,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter);
