using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Volumes;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Delete: root images (shouldDeleteImages) with their snapshots (and shouldDeleteSnapshots), every snapshot tagged
/// with the managed instance, and the persisted root volume. Images and snapshots are found by tag as well as in the
/// state, so one whose answer was lost (made, never recorded) goes too.
/// </summary>
public sealed class DeleteRootArtifactsStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.DeleteRootArtifacts;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (context.Operation.DeleteOptions is not { } options)
        {
            return StepResult.Done(context.State);
        }

        var images = context.State.RootImages;
        if (options.ShouldDeleteImages)
        {
            var tagged = await Ec2Images.TaggedAsync(ec2, context.ManagedInstanceId, context.CancellationToken);
            var all = images.Select(i => (i.ImageId, SnapshotIds: (IReadOnlyList<string>)[i.SnapshotId]))
                .Concat(tagged).GroupBy(i => i.ImageId, StringComparer.Ordinal);
            foreach (var image in all)
            {
                var snapshots = image.SelectMany(i => i.SnapshotIds).Distinct(StringComparer.Ordinal).ToList();
                await Ec2Images.DeleteAsync(ec2, image.Key, null, context.CancellationToken);
                foreach (var snapshotId in options.ShouldDeleteSnapshots ? snapshots : [])
                {
                    await DeviceSnapshots.DeleteAsync(ec2, snapshotId, context.CancellationToken);
                }
            }
        }

        var unheld = new UnheldVolumes(ec2, context.ManagedInstanceId);
        if (options.ShouldDeleteSnapshots)
        {
            await unheld.DeleteDeviceSnapshotsAsync([.. context.State.LatestSnapshots.Select(s => s.SnapshotId)], context.CancellationToken);
        }

        if (options is { ShouldDeleteVolumes: true, ShouldTerminateInstance: true } && context.State.RootVolumeId is { } root
            && context.Spec.Persistence.PersistRootDevice)
        {
            var grain = context.Volume(ResourceKeys.RootVolume);
            if ((await grain.GetAsync(context.CancellationToken))?.VolumeId == root)
            {
                await grain.DeleteAsync(context.CancellationToken);
            }
            else
            {
                // State older than the root volume grain: the root is held by no grain.
                await unheld.DeleteAsync([root], context.CancellationToken);
            }
        }

        return StepResult.Done(context.State with { RootImages = options.ShouldDeleteImages ? [] : images });
    }
}
