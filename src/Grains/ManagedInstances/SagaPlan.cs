using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>The order of steps of each operation: a pure table.</summary>
public static class SagaPlan
{
    private static readonly SagaStep[] CreateSteps =
    [
        SagaStep.PrepareNetwork, SagaStep.EnsureVolumes, SagaStep.Launch, SagaStep.WaitRunning, SagaStep.RelocateVolumes,
        SagaStep.AttachVolumes, SagaStep.WaitAttached, SagaStep.AssociateElasticIp, SagaStep.CleanupVolumes,
    ];

    private static readonly SagaStep[] RecycleSteps =
    [
        SagaStep.WaitOldTerminated, SagaStep.WaitResourcesReleased, SagaStep.SnapshotRoot, SagaStep.SnapshotVolumes,
        SagaStep.WaitRootSnapshot, SagaStep.WaitVolumeSnapshots, SagaStep.RegisterRootImage, SagaStep.WaitRootImage,
        SagaStep.EnsureVolumes, SagaStep.Launch, SagaStep.WaitRunning, SagaStep.RelocateVolumes, SagaStep.AttachVolumes,
        SagaStep.WaitAttached, SagaStep.AssociateElasticIp, SagaStep.CleanupRoot, SagaStep.CleanupVolumes,
    ];

    /// <summary>
    /// A recycle that launches the replacement while the old instance still drains, so that the downtime is only
    /// the volumes moving across. Possible when neither the ENI nor the root volume must be freed first.
    /// </summary>
    private static readonly SagaStep[] PrestagedRecycleSteps =
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
        SagaStep.EnsureVolumes, SagaStep.Launch, SagaStep.WaitRunning, SagaStep.RelocateVolumes, SagaStep.AttachVolumes,
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
        SagaStep.Launch, SagaStep.WaitRunning, SagaStep.RelocateVolumes, SagaStep.AttachVolumes, SagaStep.WaitAttached,
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
    public static string ClientToken(string managedInstanceId, int generation, string step) =>
        $"{managedInstanceId}-g{generation}-{step}";
}
