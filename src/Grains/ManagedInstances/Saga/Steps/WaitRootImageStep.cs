using StatefulSpot.Grains.Ec2;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>Waits for the root image to be available; then it is the image the next launch boots from.</summary>
public sealed class WaitRootImageStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.WaitRootImage;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (context.Operation is not { RootImageId: { } imageId, RootSnapshotId: { } snapshotId })
        {
            return StepResult.Done(context.State);
        }

        var image = await Ec2Images.DescribeAsync(ec2, imageId, context.CancellationToken);
        return Ec2ProgressOf.Image(image?.State?.Value) switch
        {
            Ec2Progress.Completed => StepResult.Done(context.State with
            {
                RootImages = [.. context.State.RootImages.Where(i => i.ImageId != imageId), new RootImage(imageId, snapshotId, context.State.Generation)],
            }),
            Ec2Progress.Failed => throw new SagaStepFailedException($"the root image {imageId} is {image!.State.Value}"),
            _ => StepResult.Wait($"root image {imageId} to be available (it is {image?.State?.Value})"),
        };
    }
}
