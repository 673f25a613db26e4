using System.Text.RegularExpressions;

namespace StatefulSpot.Emulator;

/// <summary>
/// Settings of the AWS emulator. Bound from the configuration section <c>Emulator</c> when run standalone
/// (e.g. <c>--Emulator:TimeScale=0.1</c>). Every simulated EC2 duration is multiplied by <see cref="TimeScale"/>;
/// SQS protocol timeouts (visibility timeout, long polling) are real time and never scaled.
/// </summary>
public sealed partial class EmulatorOptions
{
    /// <summary>The configuration section the standalone emulator binds.</summary>
    public const string SectionName = "Emulator";

    /// <summary>Region the emulator pretends to be (ARNs, events, zone names). Default <c>us-east-1</c>.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>12-digit account id used in ARNs, owner ids, queue URLs and events. Default <c>123456789012</c>.</summary>
    public string AccountId { get; set; } = "123456789012";

    /// <summary>SQS queue (created at start) that receives the EventBridge-shaped EC2 events. Default <c>statefulspot-events</c>.</summary>
    public string EventQueueName { get; set; } = "statefulspot-events";

    /// <summary>
    /// The event queue's dead-letter queue (<c>{EventQueueName}-dlq</c>, created at start) takes a message after this
    /// many receives, like the queue the deployment's CloudFormation makes; 0 for none. Default 5.
    /// </summary>
    public int EventQueueMaxReceiveCount { get; set; } = 5;

    /// <summary>
    /// Optional JSON file holding the whole world (EC2 resources, pending transitions, queue contents).
    /// Loaded at start, saved shortly after every change and on dispose. Default <c>null</c> (in memory only).
    /// </summary>
    public string? StateFile { get; set; }

    /// <summary>How long changes are batched before the state file is written (real time). Default 250 ms.</summary>
    public TimeSpan StateFileSaveDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Shortest time between the starts of two writes of the state file (real time), however often the world changes;
    /// the write on dispose does not wait for it. Default 5 s.
    /// </summary>
    public TimeSpan StateFileMinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Optional JSON world file (region, zones, VPC, subnets, instance types with prices, images, capacity) replacing the
    /// built-in <c>worlds/default.json</c>. Default <c>null</c> (the default world, see <see cref="DefaultWorld"/>).
    /// </summary>
    public string? WorldFile { get; set; }

    /// <summary>
    /// Multiplier applied to every simulated EC2 duration (and API call latency, and throttling refill unless
    /// <see cref="ThrottlingOptions.RefillOnSimulatedClock"/> is off): 0.01 makes the world 100x faster. Default 1.0.
    /// Can be changed at run time with <see cref="AwsEmulator.SetTimeScale"/>.
    /// </summary>
    public double TimeScale { get; set; } = 1.0;

    /// <summary>EC2 API throttling with AWS's token buckets (aws-wire.md section 3). On by default.</summary>
    public ThrottlingOptions Throttling { get; set; } = new();

    /// <summary>Time every EC2 call takes before it answers (unscaled), except RunInstances. Default 100 ms.</summary>
    public TimeSpan ApiCallLatency { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Time a RunInstances call takes before it answers (unscaled). Default 1.5 s (aws-wire.md section 6).</summary>
    public TimeSpan RunInstancesCallLatency { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Instance <c>pending</c> to <c>running</c> (unscaled). Default 8 s.</summary>
    public TimeSpan InstancePendingDuration { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>Instance <c>shutting-down</c> to <c>terminated</c> (unscaled). Default 20 s.</summary>
    public TimeSpan InstanceShuttingDownDuration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Instance <c>stopping</c> to <c>stopped</c> (unscaled). Default 20 s.</summary>
    public TimeSpan InstanceStoppingDuration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Volume <c>creating</c> to <c>available</c> (unscaled). Default 2 s.</summary>
    public TimeSpan VolumeCreatingDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Volume attachment <c>attaching</c> to <c>attached</c> (unscaled). Default 2 s.</summary>
    public TimeSpan VolumeAttachingDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Volume attachment <c>detaching</c> to volume <c>available</c> (unscaled). Default 2 s.</summary>
    public TimeSpan VolumeDetachingDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Network interface <c>pending</c> to <c>available</c> (unscaled). Default 1 s.</summary>
    public TimeSpan NetworkInterfacePendingDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Network interface attachment <c>attaching</c> to <c>attached</c>, and <c>detaching</c> to detached (unscaled). Default 1 s.</summary>
    public TimeSpan NetworkInterfaceAttachmentDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first snapshot of a volume, <c>pending</c> to <c>completed</c> (unscaled). Default 60 s.</summary>
    public TimeSpan FirstSnapshotDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A later (incremental) snapshot of a volume, <c>pending</c> to <c>completed</c> (unscaled). Default 10 s.</summary>
    public TimeSpan IncrementalSnapshotDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Minimum time between two CreateSnapshot calls for one volume while the earlier snapshot is still pending
    /// (unscaled); sooner is <c>SnapshotCreationPerVolumeRateExceeded</c>. Default 15 s.
    /// </summary>
    public TimeSpan SnapshotPerVolumeInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>RegisterImage <c>pending</c> to <c>available</c>; CreateImage takes this after its last snapshot (unscaled). Default 3 s.</summary>
    public TimeSpan ImageAvailableDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Lead time between a Spot interruption warning and the interruption action (unscaled). Default 120 s.</summary>
    public TimeSpan InterruptionNoticeLead { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Whether "EC2 Instance State-change Notification" events are put on the event queue. Default true.</summary>
    public bool EmitStateChangeEvents { get; set; } = true;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad key.</summary>
    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(Region) && RegionPattern().IsMatch(Region), nameof(Region), "a region name such as us-east-1");
        Require(AccountIdPattern().IsMatch(AccountId ?? ""), nameof(AccountId), "exactly 12 digits");
        Require(QueueNamePattern().IsMatch(EventQueueName ?? ""), nameof(EventQueueName),
            "1 to 80 alphanumeric characters, hyphens or underscores");
        Require(double.IsFinite(TimeScale) && TimeScale >= 0, nameof(TimeScale), "a finite number >= 0");
        Require(EventQueueMaxReceiveCount is >= 0 and <= 1000, nameof(EventQueueMaxReceiveCount), "between 0 (no dead-letter queue) and 1000");
        Require(EventQueueMaxReceiveCount == 0 || (EventQueueName ?? "").Length <= 76, nameof(EventQueueName),
            "at most 76 characters when the event queue has a dead-letter queue (its name adds -dlq)");
        Require(StateFileSaveDelay >= TimeSpan.Zero, nameof(StateFileSaveDelay), "a non-negative duration");
        Require(StateFileMinInterval >= TimeSpan.Zero, nameof(StateFileMinInterval), "a non-negative duration");
        Require(WorldFile is null || WorldFile.Length > 0, nameof(WorldFile), "null or a path");
        Require(Throttling is not null, nameof(Throttling), "set");
        Require(double.IsFinite(Throttling!.Scale) && Throttling.Scale > 0, $"{nameof(Throttling)}:{nameof(ThrottlingOptions.Scale)}",
            "a finite number > 0");
        Require(ApiCallLatency >= TimeSpan.Zero, nameof(ApiCallLatency), "a non-negative duration");
        Require(RunInstancesCallLatency >= TimeSpan.Zero, nameof(RunInstancesCallLatency), "a non-negative duration");
        Require(InstanceStoppingDuration >= TimeSpan.Zero, nameof(InstanceStoppingDuration), "a non-negative duration");
        Require(NetworkInterfaceAttachmentDuration >= TimeSpan.Zero, nameof(NetworkInterfaceAttachmentDuration), "a non-negative duration");
        Require(FirstSnapshotDuration >= TimeSpan.Zero, nameof(FirstSnapshotDuration), "a non-negative duration");
        Require(IncrementalSnapshotDuration >= TimeSpan.Zero, nameof(IncrementalSnapshotDuration), "a non-negative duration");
        Require(SnapshotPerVolumeInterval >= TimeSpan.Zero, nameof(SnapshotPerVolumeInterval), "a non-negative duration");
        Require(ImageAvailableDuration >= TimeSpan.Zero, nameof(ImageAvailableDuration), "a non-negative duration");
        Require(InstancePendingDuration >= TimeSpan.Zero, nameof(InstancePendingDuration), "a non-negative duration");
        Require(InstanceShuttingDownDuration >= TimeSpan.Zero, nameof(InstanceShuttingDownDuration), "a non-negative duration");
        Require(VolumeCreatingDuration >= TimeSpan.Zero, nameof(VolumeCreatingDuration), "a non-negative duration");
        Require(VolumeAttachingDuration >= TimeSpan.Zero, nameof(VolumeAttachingDuration), "a non-negative duration");
        Require(VolumeDetachingDuration >= TimeSpan.Zero, nameof(VolumeDetachingDuration), "a non-negative duration");
        Require(NetworkInterfacePendingDuration >= TimeSpan.Zero, nameof(NetworkInterfacePendingDuration), "a non-negative duration");
        Require(InterruptionNoticeLead >= TimeSpan.Zero, nameof(InterruptionNoticeLead), "a non-negative duration");
    }

    private static void Require(bool ok, string key, string expectation)
    {
        if (!ok)
        {
            throw new ArgumentException($"{SectionName}:{key} must be {expectation}.", key);
        }
    }

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex QueueNamePattern();
}
