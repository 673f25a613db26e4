using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// The steps of each operation. <see cref="For"/> derives an operation's plan from the spec when it starts (only the
/// steps its persistence options need), and the cursor stores it: the grain walks the stored list, so an operation an
/// older build started finishes on a newer one. The tables below are every step an operation can have, in order.
/// </summary>
/// <remarks>
/// To read what an operation does, read its table here, then the one-paragraph summary of each step's class in
/// <c>ManagedInstances/Saga/Steps</c>, named after the step (<see cref="SagaStep.SnapshotRoot"/> is
/// <c>SnapshotRootStep</c>; <see cref="Saga.SagaSteps"/> lists them all). A recycle with persistRootDevice, for
/// example, is <see cref="RecycleSteps"/> less the steps <see cref="IsNeeded"/> drops: WaitOldTerminated (terminate at
/// the drain deadline), WaitResourcesReleased, SnapshotRoot and WaitRootSnapshot (a final snapshot of the released
/// root), RegisterRootImage and WaitRootImage (an image from it), Launch from that image, WaitRunning, then the data
/// volumes' steps, and CleanupRoot (the old root and the images beyond retention). How the grain runs a step and what
/// it does with its result (Done, Wait, Checkpoint, Fail) is <c>ManagedInstanceGrain.Saga.cs</c>.
/// </remarks>
public static class SagaPlan
{
    private static readonly SagaStep[] CreateSteps =
    [
        SagaStep.PrepareNetwork, SagaStep.EnsureVolumes, SagaStep.Launch, SagaStep.WaitRunning, SagaStep.RelocateVolumes,
        SagaStep.AttachVolumes, SagaStep.MoveFloatingIp, SagaStep.WaitAttached, SagaStep.AssociateElasticIp, SagaStep.CleanupVolumes,
    ];

    private static readonly SagaStep[] RecycleSteps =
    [
        SagaStep.WaitOldTerminated, SagaStep.WaitResourcesReleased, SagaStep.SnapshotRoot, SagaStep.SnapshotVolumes,
        SagaStep.WaitRootSnapshot, SagaStep.WaitVolumeSnapshots, SagaStep.RegisterRootImage, SagaStep.WaitRootImage,
        SagaStep.EnsureVolumes, SagaStep.Launch, SagaStep.WaitRunning, SagaStep.RelocateVolumes, SagaStep.AttachVolumes, SagaStep.MoveFloatingIp,
        SagaStep.WaitAttached, SagaStep.AssociateElasticIp, SagaStep.CleanupRoot, SagaStep.CleanupVolumes,
    ];

    /// <summary>
    /// A recycle that launches the replacement while the old instance still drains, then cuts over at the drain
    /// deadline: the data volumes are detached from the still-running old instance and attached to the replacement,
    /// and only then is the old instance terminated. The downtime is only the volumes moving across. Possible when
    /// neither the ENI nor the root volume must be freed first.
    /// </summary>
    private static readonly SagaStep[] PrestagedRecycleSteps =
    [
        SagaStep.Launch, SagaStep.WaitRunning, SagaStep.DetachVolumes, SagaStep.WaitResourcesReleased, SagaStep.EnsureVolumes,
        SagaStep.RelocateVolumes, SagaStep.AttachVolumes, SagaStep.MoveFloatingIp, SagaStep.WaitAttached, SagaStep.AssociateElasticIp, SagaStep.WaitOldTerminated,
        SagaStep.CleanupVolumes,
    ];

    /// <summary>The pre-staged recycle before the early cutover: what a cursor an older build wrote without its plan follows.</summary>
    private static readonly SagaStep[] LegacyPrestagedRecycleSteps =
    [
        SagaStep.Launch, SagaStep.WaitRunning, SagaStep.WaitOldTerminated, SagaStep.WaitResourcesReleased, SagaStep.EnsureVolumes,
        SagaStep.RelocateVolumes, SagaStep.AttachVolumes, SagaStep.WaitAttached, SagaStep.AssociateElasticIp, SagaStep.CleanupVolumes,
    ];

    private static readonly SagaStep[] PauseSteps =
    [
        SagaStep.WaitOldTerminated, SagaStep.WaitResourcesReleased, SagaStep.SnapshotRoot, SagaStep.SnapshotVolumes,
        SagaStep.WaitRootSnapshot, SagaStep.WaitVolumeSnapshots, SagaStep.RegisterRootImage, SagaStep.WaitRootImage,
        SagaStep.CleanupVolumes,
    ];

    private static readonly SagaStep[] ResumeSteps =
    [
        SagaStep.EnsureVolumes, SagaStep.Launch, SagaStep.WaitRunning, SagaStep.RelocateVolumes, SagaStep.AttachVolumes, SagaStep.MoveFloatingIp,
        SagaStep.WaitAttached, SagaStep.AssociateElasticIp, SagaStep.CleanupRoot, SagaStep.CleanupVolumes,
    ];

    private static readonly SagaStep[] DeleteSteps =
    [
        SagaStep.WaitOldTerminated, SagaStep.WaitResourcesReleased, SagaStep.DeleteVolumes, SagaStep.DeleteNetworkInterface,
        SagaStep.ReleaseAddress, SagaStep.DeleteRootArtifacts,
    ];

    /// <summary>Import: image the original, let it go if asked, then the create steps from that image.</summary>
    private static readonly SagaStep[] ImportSteps =
    [
        SagaStep.ImageOriginal, SagaStep.WaitOriginalImage, SagaStep.WaitOldTerminated, SagaStep.PrepareNetwork, SagaStep.EnsureVolumes,
        SagaStep.Launch, SagaStep.WaitRunning, SagaStep.RelocateVolumes, SagaStep.AttachVolumes, SagaStep.MoveFloatingIp, SagaStep.WaitAttached,
        SagaStep.AssociateElasticIp, SagaStep.CleanupVolumes,
    ];

    private static readonly SagaStep[] RepairSteps = [SagaStep.AttachVolumes, SagaStep.WaitAttached];

    public static IReadOnlyList<SagaStep> Steps(OperationKind kind, bool prestaged = false) => kind switch
    {
        OperationKind.Repair => RepairSteps,
        OperationKind.Create => CreateSteps,
        OperationKind.Import => ImportSteps,
        OperationKind.Recycle => prestaged ? PrestagedRecycleSteps : RecycleSteps,
        OperationKind.Pause => PauseSteps,
        OperationKind.Resume => ResumeSteps,
        OperationKind.Delete => DeleteSteps,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No plan for this operation."),
    };

    public static SagaStep First(OperationKind kind, bool prestaged = false) => Steps(kind, prestaged)[0];

    /// <summary>
    /// The plan of an operation about to start: its table, less the steps this spec makes pointless (no root steps
    /// without persistRootDevice, no snapshot steps without onLaunch volumes, no Elastic IP step without one...).
    /// </summary>
    public static IReadOnlyList<SagaStep> For(SagaCursor cursor, ManagedInstanceSpec spec, ManagedInstanceState state) =>
        [.. Steps(cursor.Kind, cursor.Prestaged).Where(step => IsNeeded(step, cursor, spec, state))];

    /// <summary>
    /// The step after the cursor's, in the cursor's stored plan (the table, for a cursor an older build wrote without
    /// one); <see cref="SagaStep.Done"/> after the last; null when the step is not part of the plan at all.
    /// </summary>
    public static SagaStep? Next(SagaCursor cursor)
    {
        var plan = PlanOf(cursor);
        var index = IndexOf(plan, cursor.Step);
        return index < 0 ? null : index + 1 < plan.Count ? plan[index + 1] : SagaStep.Done;
    }

    /// <summary>Whether this build can run the cursor's step as part of its plan.</summary>
    public static bool Knows(SagaCursor cursor) => Enum.IsDefined(cursor.Step) && cursor.Step != SagaStep.Done && IndexOf(PlanOf(cursor), cursor.Step) >= 0;

    private static IReadOnlyList<SagaStep> PlanOf(SagaCursor cursor) =>
        cursor.Plan.Count > 0 ? cursor.Plan
        : cursor is { Kind: OperationKind.Recycle, Prestaged: true } ? LegacyPrestagedRecycleSteps
        : Steps(cursor.Kind, cursor.Prestaged);

    private static int IndexOf(IReadOnlyList<SagaStep> plan, SagaStep step)
    {
        for (var i = 0; i < plan.Count; i++)
        {
            if (plan[i] == step)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsNeeded(SagaStep step, SagaCursor cursor, ManagedInstanceSpec spec, ManagedInstanceState state) => step switch
    {
        SagaStep.PrepareNetwork => NetworkRules.NeedsPersistentInterface(spec),
        SagaStep.EnsureVolumes => !SnapshotRules.BuildsVolumesOnLaunch(spec) && spec.LaunchSpecification.BlockDeviceMappings.Count > 0,
        SagaStep.SnapshotRoot or SagaStep.WaitRootSnapshot or SagaStep.RegisterRootImage or SagaStep.WaitRootImage or SagaStep.CleanupRoot =>
            spec.Persistence.PersistRootDevice,
        SagaStep.SnapshotVolumes or SagaStep.WaitVolumeSnapshots => SnapshotRules.BuildsVolumesOnLaunch(spec),
        SagaStep.RelocateVolumes => SnapshotRules.ReattachesVolumes(spec) && SnapshotRules.SpansZones(state),
        SagaStep.AssociateElasticIp => spec.Network.ElasticIpAllocationId is not null,
        SagaStep.MoveFloatingIp => NetworkRules.Floats(spec),
        SagaStep.CleanupVolumes => NeedsVolumeCleanup(spec, state),
        SagaStep.DeleteVolumes => cursor.DeleteOptions is { ShouldDeleteVolumes: true },
        SagaStep.DeleteNetworkInterface => cursor.DeleteOptions is { ShouldDeleteNetworkInterfaces: true },
        SagaStep.ReleaseAddress => cursor.DeleteOptions is { ShouldDeleteNetworkInterfaces: true } && spec.Network.PrivateIpPool is not null,
        _ => true,
    };

    /// <summary>
    /// Clean-up deletes replaced volumes, volumes a launch mapping made that nothing recorded, and snapshots beyond
    /// the retention: there is something to clean only where volumes are rebuilt (onLaunch, a move across AZs) or
    /// snapshots are taken, or an earlier operation left replaced volumes or snapshots behind.
    /// </summary>
    private static bool NeedsVolumeCleanup(ManagedInstanceSpec spec, ManagedInstanceState state) =>
        SnapshotRules.BuildsVolumesOnLaunch(spec) || SnapshotRules.ContinuousDevices(spec, SnapshotRules.SpansZones(state)).Count > 0
        || (SnapshotRules.ReattachesVolumes(spec) && SnapshotRules.SpansZones(state))
        || state.StaleVolumeIds.Count > 0 || state.LatestSnapshots.Count > 0 || state.ImportedFrom is not null;

    /// <summary>The step after <paramref name="step"/>, or <see cref="SagaStep.Done"/> after the last one.</summary>
    public static SagaStep Next(OperationKind kind, SagaStep step, bool prestaged = false)
    {
        var steps = Steps(kind, prestaged);
        var index = Array.IndexOf((SagaStep[])steps, step);
        if (index < 0)
        {
            throw new ArgumentException($"Step {step} is not part of the {kind} plan.", nameof(step));
        }

        return index + 1 < steps.Count ? steps[index + 1] : SagaStep.Done;
    }

    /// <summary>Whether a recycle of this spec may launch the replacement before the old instance is gone.</summary>
    public static bool CanPrestage(ManagedInstanceSpec spec) =>
        !NetworkRules.NeedsPersistentInterface(spec) && !spec.Persistence.PersistRootDevice && !SnapshotRules.BuildsVolumesOnLaunch(spec);

    /// <summary>A step's EC2 client token: the same (managed instance, generation, step) never creates twice.</summary>
    /// <summary>EC2 takes client tokens of up to 64 ASCII characters.</summary>
    public const int MaxClientTokenLength = 64;

    /// <summary>
    /// The client token of one side effect of a generation's step: readable when it fits EC2's 64 characters, else its
    /// first 40 characters and a hash of the whole (still one token per step, never two steps on one token).
    /// </summary>
    public static string ClientToken(string managedInstanceId, int generation, string step)
    {
        var token = $"{managedInstanceId}-g{generation}-{step}";
        if (token.Length <= MaxClientTokenLength)
        {
            return token;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
        return $"{token[..40]}-{hash[..(MaxClientTokenLength - 41)]}";
    }
}
