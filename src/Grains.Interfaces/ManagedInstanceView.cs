namespace StatefulSpot.Grains.Interfaces;

public enum ManagedInstanceStatus
{
    Creating = 1,
    Active = 2,
    Recycling = 3,
    Pausing = 4,
    Paused = 5,
    Resuming = 6,
    Deleting = 7,
    Deleted = 8,
    Error = 9,
}

/// <summary>A read-only picture of one managed instance, as a client sees it.</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.managed-instance-view")]
public sealed record ManagedInstanceView
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required ManagedInstanceSpec Spec { get; init; }
    [Id(2)] public required ManagedInstanceStatus Status { get; init; }

    /// <summary>Increases by one with every replacement of the EC2 instance.</summary>
    [Id(3)] public required int Generation { get; init; }
    [Id(4)] public string? InstanceId { get; init; }
    [Id(5)] public string? PrivateIp { get; init; }
    [Id(6)] public string? NetworkInterfaceId { get; init; }
    [Id(7)] public string? AvailabilityZone { get; init; }
    [Id(8)] public IReadOnlyList<VolumeView> Volumes { get; init; } = [];

    /// <summary>The step that failed and the EC2 error, when <see cref="Status"/> is Error.</summary>
    [Id(9)] public string? LastError { get; init; }

    /// <summary>The running operation's step, if any.</summary>
    [Id(10)] public string? CurrentStep { get; init; }

    /// <summary>Finished operations, newest last, bounded.</summary>
    [Id(11)] public IReadOnlyList<OperationRecord> History { get; init; } = [];

    /// <summary>Instance type of the current instance.</summary>
    [Id(12)] public string? InstanceType { get; init; }

    /// <summary>Market of the current instance: spot or on-demand.</summary>
    [Id(13)] public string? Market { get; init; }

    /// <summary>The image the next launch boots from: the spec's, or with persistRootDevice the latest root image.</summary>
    [Id(14)] public string? ImageId { get; init; }

    [Id(15)] public string? RootVolumeId { get; init; }
}

[GenerateSerializer, Immutable, Alias("statefulspot.volume-view")]
public sealed record VolumeView
{
    [Id(0)] public required string DeviceName { get; init; }
    [Id(1)] public string? VolumeId { get; init; }
    [Id(2)] public string? AvailabilityZone { get; init; }

    /// <summary>EC2 volume state: creating, available, in-use…</summary>
    [Id(3)] public string? State { get; init; }
    [Id(4)] public string? AttachedInstanceId { get; init; }

    /// <summary>EC2 attachment state: attaching, attached, detaching…</summary>
    [Id(5)] public string? AttachmentState { get; init; }
}

[GenerateSerializer, Immutable, Alias("statefulspot.network-interface-view")]
public sealed record NetworkInterfaceView
{
    [Id(0)] public required string NetworkInterfaceId { get; init; }
    [Id(1)] public required string SubnetId { get; init; }
    [Id(2)] public required string AvailabilityZone { get; init; }
    [Id(3)] public required string PrivateIp { get; init; }

    /// <summary>EC2 status: pending, available, in-use.</summary>
    [Id(4)] public required string Status { get; init; }
    [Id(5)] public string? AttachedInstanceId { get; init; }
}

public enum OperationKind
{
    Create = 1,
    Recycle = 2,
    Pause = 3,
    Resume = 4,
    Delete = 5,

    /// <summary>Puts drift right (a data volume detached by hand) without replacing the instance.</summary>
    Repair = 6,

    /// <summary>Brings an existing EC2 instance under management: image it, then launch from the image.</summary>
    Import = 7,
}

public enum OperationTrigger
{
    User = 1,
    SpotInterruption = 2,
    InstanceStateChange = 3,
    ScheduledChange = 4,
    CapacityReservationInterruption = 5,

    /// <summary>The reconciliation loop found the instance gone or drifted.</summary>
    Reconciliation = 6,

    /// <summary>An EC2 rebalance recommendation, acted on because the spec says so.</summary>
    RebalanceRecommendation = 7,

    /// <summary>Back from an on-demand fallback to Spot, as strategy.revertToSpot allows.</summary>
    RevertToSpot = 8,
}

/// <summary>The timeline of one finished (or failed) operation.</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.operation-record")]
public sealed record OperationRecord
{
    [Id(0)] public required OperationKind Kind { get; init; }
    [Id(1)] public required OperationTrigger Trigger { get; init; }
    [Id(2)] public required int Generation { get; init; }
    [Id(3)] public required DateTimeOffset StartedAt { get; init; }
    [Id(4)] public DateTimeOffset? FinishedAt { get; init; }
    [Id(5)] public string? OldInstanceId { get; init; }
    [Id(6)] public string? NewInstanceId { get; init; }

    /// <summary>Time of the EC2 notice that started a recovery (its EventBridge time).</summary>
    [Id(7)] public DateTimeOffset? NoticeAt { get; init; }
    [Id(8)] public DateTimeOffset? OldTerminatedAt { get; init; }
    [Id(9)] public DateTimeOffset? ReplacementLaunchedAt { get; init; }
    [Id(10)] public DateTimeOffset? ReplacementRunningAt { get; init; }
    [Id(11)] public DateTimeOffset? VolumesAttachedAt { get; init; }

    /// <summary>
    /// EC2's side of the downtime: the old instance terminated (or, in an early cutover, its volumes detached from it)
    /// until every volume is attached to the replacement.
    /// </summary>
    [Id(12)] public TimeSpan? Downtime { get; init; }
    [Id(13)] public string? Error { get; init; }
    [Id(14)] public string? NoticeId { get; init; }

    /// <summary>Instance type, AZ and market the replacement was launched in.</summary>
    [Id(15)] public string? Placement { get; init; }

    /// <summary>
    /// When the old instance stopped serving, as the application sees it: it left <c>running</c> (EC2 began shutting it
    /// down, or our TerminateInstances did), or our own cutover began detaching its volumes, whichever came first.
    /// </summary>
    [Id(16)] public DateTimeOffset? ServiceStoppedAt { get; init; }

    /// <summary>When the replacement served again: running, every data volume attached, its address (Elastic IP) in place.</summary>
    [Id(17)] public DateTimeOffset? ServiceRestoredAt { get; init; }

    /// <summary>
    /// Downtime as the application sees it: <see cref="ServiceStoppedAt"/> to <see cref="ServiceRestoredAt"/>. Longer than
    /// <see cref="Downtime"/> by the time the old instance spends shutting down; on the silo's clock, which is AWS's.
    /// </summary>
    [Id(18)] public TimeSpan? AppDowntime { get; init; }
}

/// <summary>What the reconciler saw of a managed instance's current EC2 instance.</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.instance-observation")]
public sealed record InstanceObservation
{
    [Id(0)] public required string InstanceId { get; init; }

    /// <summary>The EC2 state name, or null when EC2 no longer lists the instance.</summary>
    [Id(1)] public string? State { get; init; }

    /// <summary>Volume ids attached to the instance.</summary>
    [Id(2)] public IReadOnlyList<string> AttachedVolumeIds { get; init; } = [];

    [Id(3)] public required DateTimeOffset ObservedAt { get; init; }
}

/// <summary>The outcome of one reconciliation pass.</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.reconcile-report")]
public sealed record ReconcileReport
{
    [Id(0)] public int ManagedInstances { get; init; }
    [Id(1)] public int InstancesSeen { get; init; }

    /// <summary>DescribeInstances calls made: one per page, whatever the number of managed instances.</summary>
    [Id(2)] public int Ec2Calls { get; init; }

    /// <summary>Managed instances told about drift (a vanished instance, a detached volume).</summary>
    [Id(3)] public IReadOnlyList<string> Corrected { get; init; } = [];

    /// <summary>Instances tagged as ours that no managed instance records, terminated by this pass.</summary>
    [Id(4)] public IReadOnlyList<string> UnrecordedTerminated { get; init; } = [];

    /// <summary>
    /// Images and root snapshots tagged as ours that no managed instance records, deleted by this pass (a pass sweeps
    /// them at most every <c>StatefulSpot:Reconciler:ArtifactSweepInterval</c>).
    /// </summary>
    [Id(5)] public IReadOnlyList<string> UnrecordedArtifactsDeleted { get; init; } = [];
}
