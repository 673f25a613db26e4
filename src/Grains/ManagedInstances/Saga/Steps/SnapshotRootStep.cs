using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// persistRootDevice, once the old instance is gone: the root volume grain takes a final (crash-consistent) snapshot
/// of the released root volume, which becomes the previous root, deleted once a replacement runs from its image.
/// </summary>
public sealed class SnapshotRootStep : ISagaStep
{
    public SagaStep Step => SagaStep.SnapshotRoot;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (!context.Spec.Persistence.PersistRootDevice || context.State.RootVolumeId is not { } rootVolumeId)
        {
            return StepResult.Done(context.State);
        }

        // Adopting is a no-op for a root the grain already holds (it adopts each launch's root), and one for older state.
        var root = context.Volume(ResourceKeys.RootVolume);
        var volume = await root.AdoptAsync(rootVolumeId, context.CancellationToken);
        if (volume.State != "available")
        {
            return StepResult.Wait($"root volume {rootVolumeId} to be released (it is {volume.State})");
        }

        var token = context.ClientToken($"root-snapshot-{rootVolumeId}");
        var snapshot = await root.SnapshotAsync(new SnapshotRequest
        {
            VolumeId = rootVolumeId,
            ClientToken = token,
            Description = $"StatefulSpot {context.ManagedInstanceId} root, generation {context.State.Generation}",

            // No device tag: this snapshot belongs to the image registered from it, and goes with that image.
            Tags = ResourceTags.Snapshot(context.ManagedInstanceId, token),
        }, context.CancellationToken);
        return StepResult.Done(context.State with
        {
            StaleRootVolumeId = rootVolumeId,
            Operation = context.Operation with { RootSnapshotId = snapshot.SnapshotId },
        });
    }
}
