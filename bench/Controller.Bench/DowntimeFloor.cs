using System.Globalization;
using System.Text.Json;

namespace StatefulSpot.Controller.Bench;

/// <summary>Something EC2 makes a recovery wait for: one of the emulator's configured durations.</summary>
internal enum FloorStep
{
    /// <summary>The old instance shutting-down → terminated; only then are its volumes and ENI free (<c>InstanceShuttingDownDuration</c>).</summary>
    ShuttingDown = 1,

    /// <summary>A RunInstances call answering (<c>RunInstancesCallLatency</c>).</summary>
    RunInstances = 2,

    /// <summary>The replacement pending → running (<c>InstancePendingDuration</c>).</summary>
    Pending = 3,

    /// <summary>A volume attaching → attached (<c>VolumeAttachingDuration</c>).</summary>
    Attach = 4,

    /// <summary>A volume detaching → available (<c>VolumeDetachingDuration</c>).</summary>
    Detach = 5,

    /// <summary>An incremental snapshot pending → completed (<c>IncrementalSnapshotDuration</c>).</summary>
    IncrementalSnapshot = 6,

    /// <summary>A registered image pending → available (<c>ImageAvailableDuration</c>).</summary>
    ImageAvailable = 7,

    /// <summary>Any other EC2 call on the path: one that observes a state or starts the next transition (<c>ApiCallLatency</c>).</summary>
    Call = 8,
}

/// <summary>One leg of a recovery's path: what EC2 makes it wait for, and why.</summary>
internal sealed record PathLeg(FloorStep Step, string What);

/// <summary>One term of a floor: a leg and its duration, seconds at time scale 1.</summary>
internal sealed record FloorTerm(FloorStep Step, string What, double Seconds);

/// <summary>
/// The emulator's durations a floor adds up, in seconds at time scale 1, as the running emulator reports them
/// (<c>durations</c> of <c>GET /_emulator/world</c>); <see cref="Defaults"/> are <c>src/Emulator/EmulatorOptions.cs</c>'s.
/// </summary>
internal sealed record EmulatorDurations(
    double ShuttingDown, double RunInstances, double Pending, double Attach, double Detach, double IncrementalSnapshot, double ImageAvailable, double Call)
{
    public static readonly EmulatorDurations Defaults = new(ShuttingDown: 20, RunInstances: 1.5, Pending: 8, Attach: 2, Detach: 2,
        IncrementalSnapshot: 10, ImageAvailable: 3, Call: 0.1);

    public double Of(FloorStep step) => step switch
    {
        FloorStep.ShuttingDown => ShuttingDown,
        FloorStep.RunInstances => RunInstances,
        FloorStep.Pending => Pending,
        FloorStep.Attach => Attach,
        FloorStep.Detach => Detach,
        FloorStep.IncrementalSnapshot => IncrementalSnapshot,
        FloorStep.ImageAvailable => ImageAvailable,
        FloorStep.Call => Call,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "unknown floor step"),
    };

    /// <summary>The <c>durations</c> object of the world snapshot; null when this emulator build has none.</summary>
    public static EmulatorDurations? Read(JsonElement world)
    {
        if (!world.TryGetProperty("durations", out var d) || d.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        double Seconds(string name) => d.GetProperty(name).GetDouble();
        return new(Seconds("instanceShuttingDownSeconds"), Seconds("runInstancesCallLatencySeconds"), Seconds("instancePendingSeconds"),
            Seconds("volumeAttachingSeconds"), Seconds("volumeDetachingSeconds"), Seconds("incrementalSnapshotSeconds"),
            Seconds("imageAvailableSeconds"), Seconds("apiCallLatencySeconds"));
    }
}

/// <summary>
/// The floor of a recovery's downtime as the application sees it: the sum of the emulator's durations along the path
/// EC2 forces on the recovery, from the old instance leaving <c>running</c> to the replacement running with its data
/// volumes attached; what no controller can beat, however fast it reacts. Pure: <see cref="Terms"/> takes the path and
/// the durations, so a new path (e.g. <see cref="ReattachEarlyCutover"/>) is one line of <see cref="PathOf"/>.
/// </summary>
/// <remarks>
/// No unit-test project covers the bench (tests/ covers src/ only), so this stays a pure function of its arguments;
/// the bench prints its terms with every figure. With the default durations the four paths are those of issue 13:
/// reattach-eni 31.8 s, reattach (early cutover) 4.3 s, root-eni 45.2 s, onlaunch 39.8 s.
/// </remarks>
internal static class DowntimeFloor
{
    /// <summary>reattach + persistent primary ENI (the demo): nothing can launch before the ENI is free.</summary>
    public static readonly IReadOnlyList<PathLeg> ReattachWithEni =
    [
        new(FloorStep.ShuttingDown, "the old instance shutting down; its volume and ENI are free once it is terminated"),
        new(FloorStep.Call, "DescribeInstances: the old instance terminated"),
        new(FloorStep.RunInstances, "RunInstances with the ENI as the primary interface"),
        new(FloorStep.Pending, "the replacement pending -> running"),
        new(FloorStep.Call, "DescribeInstances: the replacement running"),
        new(FloorStep.Call, "AttachVolume"),
        new(FloorStep.Attach, "the data volume attaching -> attached"),
    ];

    /// <summary>reattach without ENI before the early cutover: the replacement ran during the warning, the volume moved after the shutdown.</summary>
    public static readonly IReadOnlyList<PathLeg> ReattachPrestaged =
    [
        new(FloorStep.ShuttingDown, "the old instance shutting down; its volume is free once it is terminated (the replacement already runs)"),
        new(FloorStep.Call, "DescribeVolumes: the data volume available"),
        new(FloorStep.Call, "AttachVolume"),
        new(FloorStep.Attach, "the data volume attaching -> attached"),
    ];

    /// <summary>
    /// reattach without ENI with the early cutover (the saga's path): the volume is detached from the still-running old
    /// instance at the drain deadline. The issue estimates ~4 calls (≈ 4.4 s); the three named here are
    /// the least (4.3 s with the defaults).
    /// </summary>
    public static readonly IReadOnlyList<PathLeg> ReattachEarlyCutover =
    [
        new(FloorStep.Call, "DetachVolume from the still-running old instance at the drain deadline"),
        new(FloorStep.Detach, "the data volume detaching -> available"),
        new(FloorStep.Call, "DescribeVolumes: the data volume available"),
        new(FloorStep.Call, "AttachVolume"),
        new(FloorStep.Attach, "the data volume attaching -> attached"),
    ];

    /// <summary>root + reattach + persistent primary ENI: a final root snapshot and an image before the launch.</summary>
    public static readonly IReadOnlyList<PathLeg> RootWithEni =
    [
        new(FloorStep.ShuttingDown, "the old instance shutting down; its root, volume and ENI are free once it is terminated"),
        new(FloorStep.Call, "DescribeInstances: the old instance terminated"),
        new(FloorStep.Call, "CreateSnapshot of the released root"),
        new(FloorStep.IncrementalSnapshot, "the root's final snapshot (incremental: continuous snapshots came before)"),
        new(FloorStep.Call, "DescribeSnapshots: completed"),
        new(FloorStep.Call, "RegisterImage from it"),
        new(FloorStep.ImageAvailable, "the image pending -> available"),
        new(FloorStep.Call, "DescribeImages: available"),
        new(FloorStep.RunInstances, "RunInstances from the image, with the ENI"),
        new(FloorStep.Pending, "the replacement pending -> running"),
        new(FloorStep.Call, "DescribeInstances: the replacement running"),
        new(FloorStep.Call, "AttachVolume"),
        new(FloorStep.Attach, "the data volume attaching -> attached"),
    ];

    /// <summary>onLaunch: a final snapshot of the data volume, then a launch whose mapping creates the new volume from it.</summary>
    public static readonly IReadOnlyList<PathLeg> OnLaunch =
    [
        new(FloorStep.ShuttingDown, "the old instance shutting down; its data volume is released (and quiet) once it is terminated"),
        new(FloorStep.Call, "DescribeInstances: the old instance terminated"),
        new(FloorStep.Call, "CreateSnapshot of the data volume"),
        new(FloorStep.IncrementalSnapshot, "the data volume's final snapshot (incremental: continuous snapshots came before)"),
        new(FloorStep.Call, "DescribeSnapshots: completed"),
        new(FloorStep.RunInstances, "RunInstances with a mapping from the snapshot (the new volume is attached as the instance runs)"),
        new(FloorStep.Pending, "the replacement pending -> running"),
    ];

    /// <summary>The path today's saga takes for <paramref name="mode"/>.</summary>
    public static IReadOnlyList<PathLeg> PathOf(PersistenceMode mode) => mode switch
    {
        PersistenceMode.ReattachEni => ReattachWithEni,
        PersistenceMode.Reattach => ReattachEarlyCutover,
        PersistenceMode.RootEni => RootWithEni,
        PersistenceMode.OnLaunch => OnLaunch,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown persistence mode"),
    };

    /// <summary>Each leg of <paramref name="path"/> with its duration.</summary>
    public static IReadOnlyList<FloorTerm> Terms(IReadOnlyList<PathLeg> path, EmulatorDurations durations) =>
        [.. path.Select(leg => new FloorTerm(leg.Step, leg.What, durations.Of(leg.Step)))];

    public static double Seconds(IReadOnlyList<FloorTerm> terms) => terms.Sum(t => t.Seconds);

    /// <summary>The terms grouped by step in the order they first come, e.g. <c>shutting-down 20 + … + 3 x call 0.1 = 31.8 s</c>.</summary>
    public static string Formula(IReadOnlyList<FloorTerm> terms)
    {
        var parts = terms.GroupBy(t => t.Step).Select(g => g.Count() == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{Label(g.Key)} {g.First().Seconds:0.###}")
            : string.Create(CultureInfo.InvariantCulture, $"{g.Count()} x {Label(g.Key)} {g.First().Seconds:0.###}"));
        return string.Create(CultureInfo.InvariantCulture, $"{string.Join(" + ", parts)} = {Seconds(terms):0.0} s");
    }

    public static string Label(FloorStep step) => step switch
    {
        FloorStep.ShuttingDown => "shutting-down",
        FloorStep.RunInstances => "RunInstances",
        FloorStep.Pending => "pending",
        FloorStep.Attach => "attach",
        FloorStep.Detach => "detach",
        FloorStep.IncrementalSnapshot => "incremental snapshot",
        FloorStep.ImageAvailable => "image available",
        FloorStep.Call => "call",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "unknown floor step"),
    };
}
