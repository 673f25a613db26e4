using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.ManagedInstances.Saga.Steps;

namespace StatefulSpot.Grains.ManagedInstances.Saga;

/// <summary>
/// Every step this build knows, by <see cref="SagaStep"/>. What each operation runs, in which order, is
/// <see cref="SagaPlan"/>; what a step does is the doc comment of its class in <c>Saga/Steps</c>.
/// </summary>
public sealed class SagaSteps
{
    private readonly Dictionary<SagaStep, ISagaStep> _steps;

    public SagaSteps(IEc2Api ec2) => _steps = All(ec2).ToDictionary(s => s.Step);

    public static IReadOnlyList<ISagaStep> All(IEc2Api ec2) =>
    [
        new PrepareNetworkStep(), new EnsureVolumesStep(), new LaunchStep(ec2), new WaitRunningStep(ec2), new AttachVolumesStep(),
        new WaitAttachedStep(), new AssociateElasticIpStep(ec2), new WaitOldTerminatedStep(ec2), new WaitResourcesReleasedStep(),
        new DeleteVolumesStep(ec2), new DeleteNetworkInterfaceStep(), new ReleaseAddressStep(), new DeleteRootArtifactsStep(ec2),
        new SnapshotRootStep(), new WaitRootSnapshotStep(), new RegisterRootImageStep(ec2), new WaitRootImageStep(ec2), new CleanupRootStep(ec2),
        new SnapshotVolumesStep(), new WaitVolumeSnapshotsStep(), new CleanupVolumesStep(ec2), new RelocateVolumesStep(),
        new ImageOriginalStep(ec2), new WaitOriginalImageStep(ec2), new DetachVolumesStep(ec2), new MoveFloatingIpStep(ec2),
    ];

    /// <summary>The step, or null for one this build does not know.</summary>
    public ISagaStep? Find(SagaStep step) => _steps.GetValueOrDefault(step);

    /// <summary>Runs the cursor's step; a step this build does not know fails the operation (an Error that says so).</summary>
    public Task<StepResult> ExecuteAsync(StepContext context) => Find(context.Operation.Step) is { } step
        ? step.ExecuteAsync(context)
        : throw new SagaStepFailedException($"step {context.Operation.Step} is unknown to this version");
}
