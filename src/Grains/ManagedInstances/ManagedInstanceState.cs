using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>Durable state of one managed instance. Ids are never renumbered.</summary>
[GenerateSerializer, Alias("statefulspot.managed-instance-state")]
public sealed record ManagedInstanceState
{
    [Id(0)] public ManagedInstanceSpec? Spec { get; init; }
    [Id(1)] public ManagedInstanceStatus Status { get; init; } = ManagedInstanceStatus.Creating;
    [Id(2)] public int Generation { get; init; }

    /// <summary>The EC2 instance that currently is (or is becoming) the managed instance.</summary>
    [Id(3)] public string? InstanceId { get; init; }
    [Id(4)] public string? NetworkInterfaceId { get; init; }
    [Id(5)] public string? PrivateIp { get; init; }
    [Id(6)] public string? AvailabilityZone { get; init; }

    // Id(7) is retired: it held a copy of the data volumes, which now only their volume grains hold (the devices are the
    // spec's block-device mappings). Never reuse it; state an older build stored carries the field, and it is ignored.

    /// <summary>The running operation: the saga cursor, persisted before every EC2 side effect.</summary>
    [Id(8)] public SagaCursor? Operation { get; init; }
    [Id(9)] public IReadOnlyList<OperationRecord> History { get; init; } = [];

    /// <summary>EventBridge ids of recently accepted notices, newest last, bounded.</summary>
    [Id(10)] public IReadOnlyList<string> RecentNoticeIds { get; init; } = [];
    [Id(11)] public string? LastError { get; init; }

    /// <summary>Capacity pools that recently failed or interrupted us, avoided until the given time.</summary>
    [Id(12)] public IReadOnlyList<PoolAvoidance> AvoidedPools { get; init; } = [];

    [Id(13)] public string? InstanceType { get; init; }

    /// <summary>spot or on-demand.</summary>
    [Id(14)] public string? Market { get; init; }

    /// <summary>The root volume of the current instance (kept across replacements with persistRootDevice).</summary>
    [Id(15)] public string? RootVolumeId { get; init; }

    /// <summary>Images registered from final root snapshots, oldest first; the last one is launched next.</summary>
    [Id(16)] public IReadOnlyList<RootImage> RootImages { get; init; } = [];

    /// <summary>A previous root volume, captured in an image, deleted once a replacement runs from that image.</summary>
    [Id(17)] public string? StaleRootVolumeId { get; init; }

    /// <summary>The AZ of each subnet of the spec, in the spec's order, as EC2 reported it at validation.</summary>
    [Id(18)] public IReadOnlyList<SubnetZone> Subnets { get; init; } = [];

    /// <summary>When the last continuous snapshot pass ran.</summary>
    [Id(19)] public DateTimeOffset? LastSnapshotAt { get; init; }

    /// <summary>The newest final snapshot of each data device: what the next onLaunch volumes are built from.</summary>
    [Id(20)] public IReadOnlyList<DeviceSnapshot> LatestSnapshots { get; init; } = [];

    /// <summary>Data volumes captured in a final snapshot and replaced by new ones; deleted once the replacement runs.</summary>
    [Id(21)] public IReadOnlyList<string> StaleVolumeIds { get; init; } = [];

    /// <summary>The EC2 instance this managed instance was imported from, if any.</summary>
    [Id(22)] public string? ImportedFrom { get; init; }

    /// <summary>The floating private IP (network.floatingPrivateIp) once the first launch has it, and its subnet.</summary>
    [Id(23)] public string? FloatingIp { get; init; }
    [Id(24)] public string? FloatingIpSubnetId { get; init; }

    /// <summary>The state an operation with a new EC2 instance starts from: the next generation (client tokens, notices).</summary>
    public ManagedInstanceState NextGeneration() => this with { Generation = Generation + 1 };
}

/// <summary>A subnet and its availability zone.</summary>
[GenerateSerializer, Alias("statefulspot.subnet-zone")]
public sealed record SubnetZone([property: Id(0)] string SubnetId, [property: Id(1)] string AvailabilityZone);

/// <summary>A snapshot of the volume at one device.</summary>
[GenerateSerializer, Alias("statefulspot.device-snapshot")]
public sealed record DeviceSnapshot([property: Id(0)] string DeviceName, [property: Id(1)] string SnapshotId, [property: Id(2)] string VolumeId);

/// <summary>An AMI registered from a final root snapshot.</summary>
[GenerateSerializer, Alias("statefulspot.root-image")]
public sealed record RootImage([property: Id(0)] string ImageId, [property: Id(1)] string SnapshotId, [property: Id(2)] int Generation);

/// <summary>A capacity pool (instance type, AZ, market) not to launch into before <see cref="Until"/>.</summary>
[GenerateSerializer, Alias("statefulspot.pool-avoidance")]
public sealed record PoolAvoidance([property: Id(0)] string Pool, [property: Id(1)] DateTimeOffset Until);

/// <summary>Where an operation stands. Each field is written before the side effect it guards.</summary>
[GenerateSerializer, Alias("statefulspot.saga-cursor")]
public sealed record SagaCursor
{
    [Id(0)] public required OperationKind Kind { get; init; }
    [Id(1)] public required OperationTrigger Trigger { get; init; }
    [Id(2)] public required SagaStep Step { get; init; }
    [Id(3)] public required DateTimeOffset StartedAt { get; init; }
    [Id(4)] public required DateTimeOffset StepStartedAt { get; init; }

    /// <summary>Failed attempts of the current step.</summary>
    [Id(5)] public int Attempts { get; init; }
    [Id(6)] public DateTimeOffset? NextAttemptAt { get; init; }
    [Id(7)] public string? OldInstanceId { get; init; }
    [Id(8)] public string? NewInstanceId { get; init; }
    [Id(9)] public string? NoticeId { get; init; }
    [Id(10)] public DateTimeOffset? NoticeAt { get; init; }

    /// <summary>When we terminate the old instance ourselves if EC2 has not by then.</summary>
    [Id(11)] public DateTimeOffset? DrainDeadline { get; init; }
    [Id(12)] public bool TerminateRequested { get; init; }
    [Id(13)] public DateTimeOffset? OldTerminatedAt { get; init; }
    [Id(14)] public DateTimeOffset? LaunchedAt { get; init; }
    [Id(15)] public DateTimeOffset? RunningAt { get; init; }
    [Id(16)] public DateTimeOffset? AttachedAt { get; init; }
    [Id(17)] public string? LastError { get; init; }

    /// <summary>What a delete takes with it.</summary>
    [Id(18)] public DeleteOptions? DeleteOptions { get; init; }

    /// <summary>Instance type, AZ and market the new instance was launched in.</summary>
    [Id(19)] public string? Placement { get; init; }

    /// <summary>The replacement is launched before the old instance is gone.</summary>
    [Id(20)] public bool Prestaged { get; init; }

    /// <summary>The final snapshot of the old root volume, and the image registered from it.</summary>
    [Id(21)] public string? RootSnapshotId { get; init; }
    [Id(22)] public string? RootImageId { get; init; }

    /// <summary>Final snapshots of the data volumes taken by this operation (onLaunch).</summary>
    [Id(23)] public IReadOnlyList<DeviceSnapshot> VolumeSnapshots { get; init; } = [];

    /// <summary>
    /// Instances a superseded operation left running besides <see cref="OldInstanceId"/> (a pre-staged recycle has two):
    /// terminated at once, before the old instance is waited for.
    /// </summary>
    [Id(24)] public IReadOnlyList<string> AlsoTerminate { get; init; } = [];

    /// <summary>
    /// The steps of this operation, derived from the spec when it started (<see cref="SagaPlan.For"/>); empty in a
    /// cursor an older build wrote, which then follows its operation's table.
    /// </summary>
    [Id(25)] public IReadOnlyList<SagaStep> Plan { get; init; } = [];

    /// <summary>
    /// The network interface was seen available during this operation (the old instance had let go of it): the
    /// launch, however often it waits for the EC2 budget, does not describe it again.
    /// </summary>
    [Id(26)] public bool NetworkInterfaceFree { get; init; }

    /// <summary>
    /// RunInstances may have been called for this operation: a launch that runs again looks for the instance it may
    /// have made (its answer lost, or the silo gone before it was written) before launching another.
    /// </summary>
    [Id(27)] public bool LaunchRequested { get; init; }

    /// <summary>
    /// Instances tagged with this managed instance that no state records are looked for before the old one is waited
    /// for (a delete, or an operation after one whose launch was never confirmed), and terminated with the rest.
    /// </summary>
    [Id(28)] public bool SweepUnrecorded { get; init; }

    /// <summary>
    /// Launches of this operation found terminated before anything recorded them (their client tokens are spent): part of
    /// the next launch's client token, written before it is asked.
    /// </summary>
    [Id(29)] public int LaunchRound { get; init; }

    /// <summary>
    /// When the old instance stopped serving: the first of its leaving <c>running</c> (as an event or a look reported
    /// it), our TerminateInstances, and the cutover detaching its volumes. The start of the application's downtime.
    /// </summary>
    [Id(30)] public DateTimeOffset? ServiceStoppedAt { get; init; }

    /// <summary>When the managed instance's address (its floating IP, its Elastic IP) was put on the replacement.</summary>
    [Id(31)] public DateTimeOffset? AddressInPlaceAt { get; init; }

    /// <summary>The replacement's primary ENI, as the wait for it to run saw it: where a floating IP goes.</summary>
    [Id(32)] public string? ReplacementInterfaceId { get; init; }

    /// <summary>AssignPrivateIpAddresses may have chosen the floating IP already: a retry looks for it before asking again.</summary>
    [Id(33)] public bool FloatingIpRequested { get; init; }

    /// <summary>
    /// The old instance stopped serving at <paramref name="at"/>, unless a stop is recorded already: the first one we
    /// learn of is kept. (An event that comes after our own TerminateInstances or cutover carries a time rounded down
    /// to the second, which would read as earlier than the stop it reports.)
    /// </summary>
    public SagaCursor StoppedServing(DateTimeOffset at) => ServiceStoppedAt is null ? this with { ServiceStoppedAt = at } : this;

    public SagaCursor AdvanceTo(SagaStep step, DateTimeOffset now) =>
        this with { Step = step, StepStartedAt = now, Attempts = 0, NextAttemptAt = null, LastError = null };
}

/// <summary>Saga steps. Values are persisted: never renumber.</summary>
public enum SagaStep
{
    Done = 0,
    PrepareNetwork = 1,
    EnsureVolumes = 2,
    Launch = 3,
    WaitRunning = 4,
    AttachVolumes = 5,
    WaitAttached = 6,
    AssociateElasticIp = 7,
    WaitOldTerminated = 10,
    WaitResourcesReleased = 11,
    DetachVolumes = 12,
    MoveFloatingIp = 8,
    DeleteVolumes = 20,
    DeleteNetworkInterface = 21,
    ReleaseAddress = 22,
    DeleteRootArtifacts = 23,
    SnapshotRoot = 30,
    WaitRootSnapshot = 31,
    RegisterRootImage = 32,
    WaitRootImage = 33,
    CleanupRoot = 34,
    SnapshotVolumes = 40,
    WaitVolumeSnapshots = 41,
    CleanupVolumes = 42,
    RelocateVolumes = 43,
    ImageOriginal = 50,
    WaitOriginalImage = 51,
}
