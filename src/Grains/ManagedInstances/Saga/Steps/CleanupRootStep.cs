using StatefulSpot.Grains.Ec2;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>After the replacement runs from the new image: the previous root volume goes, and the images (with their snapshots) beyond retention.</summary>
public sealed class CleanupRootStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.CleanupRoot;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (!context.Spec.Persistence.PersistRootDevice)
        {
            return StepResult.Done(context.State);
        }

        if (context.State.StaleRootVolumeId is { } oldRoot && oldRoot != context.State.RootVolumeId)
        {
            // The root volume grain adopted the replacement's root when it ran (an operation an older build ran that far did
            // not): the old one is its former volume.
            var root = context.Volume(ResourceKeys.RootVolume);
            if (context.State.RootVolumeId is { } current && (await root.GetAsync(context.CancellationToken))?.VolumeId != current)
            {
                await root.AdoptAsync(current, context.CancellationToken);
            }

            await root.DeleteFormerAsync(oldRoot, context.CancellationToken);
        }

        var keep = Math.Max(1, context.Spec.Snapshots.Retention);
        foreach (var image in context.State.RootImages.SkipLast(keep))
        {
            await Ec2Images.DeleteAsync(ec2, image.ImageId, image.SnapshotId, context.CancellationToken);
        }

        return StepResult.Done(context.State with { RootImages = [.. context.State.RootImages.TakeLast(keep)], StaleRootVolumeId = null });
    }
}
