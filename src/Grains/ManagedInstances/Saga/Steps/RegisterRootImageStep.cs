using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Registers an image from the final root snapshot, named after the snapshot (one image per final root snapshot, even
/// for two operations of one generation), looked up by that name before registering.
/// </summary>
public sealed class RegisterRootImageStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.RegisterRootImage;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (context.Operation.RootSnapshotId is not { } snapshotId)
        {
            return StepResult.Done(context.State);
        }

        var launch = context.Spec.LaunchSpecification;
        var name = $"statefulspot-{context.ManagedInstanceId}-{snapshotId}";
        var imageId = await Ec2Images.FindByNameAsync(ec2, name, context.CancellationToken) ?? (await ec2.RegisterImageAsync(new RegisterImageRequest
        {
            Name = name,
            Description = $"Root of StatefulSpot managed instance {context.ManagedInstanceId}",
            RootDeviceName = launch.RootDeviceName,
            Architecture = ArchitectureValues.X86_64,
            VirtualizationType = "hvm",
            EnaSupport = true,
            TagSpecifications = [ResourceTags.Own(ResourceType.Image, context.ManagedInstanceId)],
            BlockDeviceMappings =
            [
                new BlockDeviceMapping
                {
                    DeviceName = launch.RootDeviceName,
                    Ebs = new EbsBlockDevice { SnapshotId = snapshotId, VolumeType = VolumeType.Gp3, DeleteOnTermination = false },
                },
            ],
        }, context.CancellationToken)).ImageId;
        return StepResult.Done(context.State with { Operation = context.Operation with { RootImageId = imageId } });
    }
}
