using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Import: images the original instance once (found by name first), rebooting it for a consistent image only when it
/// is to be terminated anyway.
/// </summary>
public sealed class ImageOriginalStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.ImageOriginal;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var originalId = context.State.ImportedFrom!;
        var name = $"statefulspot-{context.ManagedInstanceId}-import";
        var imageId = await Ec2Images.FindByNameAsync(ec2, name, context.CancellationToken) ?? (await ec2.CreateImageAsync(new CreateImageRequest
        {
            InstanceId = originalId,
            Name = name,
            Description = $"StatefulSpot import of {originalId} as {context.ManagedInstanceId}",
            NoReboot = context.Operation.OldInstanceId is null,
            TagSpecifications =
            [
                ResourceTags.Own(ResourceType.Image, context.ManagedInstanceId),
                ResourceTags.Own(ResourceType.Snapshot, context.ManagedInstanceId),
            ],
        }, context.CancellationToken)).ImageId;
        return StepResult.Done(context.State with { Operation = context.Operation with { RootImageId = imageId } });
    }
}
