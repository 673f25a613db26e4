using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Import: waits for the original's image; then it is the managed instance's root image, and its data snapshots the
/// sources of its volumes.
/// </summary>
public sealed class WaitOriginalImageStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.WaitOriginalImage;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var imageId = context.Operation.RootImageId!;
        var image = await Ec2Images.DescribeAsync(ec2, imageId, context.CancellationToken);
        switch (Ec2ProgressOf.Image(image?.State?.Value))
        {
            case Ec2Progress.Completed:
                break;
            case Ec2Progress.Failed:
                throw new SagaStepFailedException($"the image {imageId} of {context.State.ImportedFrom} is {image!.State.Value}");
            default:
                return StepResult.Wait($"image {imageId} of {context.State.ImportedFrom} to be available (it is {image?.State?.Value})");
        }

        var root = context.Spec.LaunchSpecification.RootDeviceName;
        var mappings = image!.BlockDeviceMappings ?? [];
        var rootSnapshot = mappings.FirstOrDefault(b => b.DeviceName == root)?.Ebs?.SnapshotId
            ?? throw new SagaStepFailedException($"the image {imageId} has no snapshot of the root device {root}");
        var dataSnapshots = mappings.Where(b => b.DeviceName != root && b.Ebs?.SnapshotId is not null).ToList();
        var sources = await Ec2Images.SnapshotSourcesAsync(ec2, [.. dataSnapshots.Select(b => b.Ebs.SnapshotId)], context.CancellationToken);
        return StepResult.Done(context.State with
        {
            RootImages = [new RootImage(imageId, rootSnapshot, context.State.Generation)],
            LatestSnapshots = [.. dataSnapshots.Select(b => new DeviceSnapshot(b.DeviceName, b.Ebs.SnapshotId, sources.GetValueOrDefault(b.Ebs.SnapshotId) ?? ""))],
        });
    }
}
