using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>Waits for the final root snapshot to complete; a failed snapshot fails the operation.</summary>
public sealed class WaitRootSnapshotStep : ISagaStep
{
    public SagaStep Step => SagaStep.WaitRootSnapshot;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (context.Operation.RootSnapshotId is not { } snapshotId)
        {
            return StepResult.Done(context.State);
        }

        var snapshot = (await context.Volume(ResourceKeys.RootVolume).DescribeSnapshotsAsync([snapshotId], context.CancellationToken)).FirstOrDefault();
        return Ec2ProgressOf.Snapshot(snapshot?.State) switch
        {
            Ec2Progress.Completed => StepResult.Done(context.State),
            Ec2Progress.Failed => throw new SagaStepFailedException($"the final root snapshot {snapshotId} failed: {snapshot!.StateMessage}"),
            _ => StepResult.Wait($"root snapshot {snapshotId} to complete (it is {snapshot?.State} {snapshot?.Progress})"),
        };
    }
}
