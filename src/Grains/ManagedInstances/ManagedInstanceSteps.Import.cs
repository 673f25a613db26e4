using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// Import: the original instance is imaged (rebooted for a consistent image when it is to be terminated anyway), the
/// image becomes the managed instance's root image and its data snapshots the source of its volumes.
/// </summary>
public sealed partial class ManagedInstanceSteps
{
    /// <summary>The spec an import derives from the instance; rejects a request EC2 cannot satisfy, before anything is created.</summary>
    public async Task<ManagedInstanceSpec> DescribeForImportAsync(ImportRequest request, CancellationToken cancellationToken)
    {
        var problems = ImportRules.Check(request);
        if (problems.Count > 0)
        {
            throw new InvalidSpecException(problems);
        }

        var instance = await DescribeInstanceAsync(request.OriginalInstanceId, cancellationToken)
            ?? throw new InvalidSpecException([$"'originalInstanceId' {request.OriginalInstanceId} is not an instance EC2 knows in this region."]);
        problems = ImportRules.CheckInstance(request, instance);
        if (problems.Count > 0)
        {
            throw new InvalidSpecException(problems);
        }

        var volumeIds = (instance.BlockDeviceMappings ?? []).Select(b => b.Ebs?.VolumeId).OfType<string>().ToList();
        var volumes = volumeIds.Count == 0
            ? []
            : (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = volumeIds }, cancellationToken)).Volumes ?? [];
        return ImportRules.SpecFrom(request, instance, volumes);
    }

    private async Task<StepResult> ImageOriginalAsync(StepContext context)
    {
        var originalId = context.State.ImportedFrom!;
        var name = $"statefulspot-{context.ManagedInstanceId}-import";
        var existing = await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"], Filters = [new Filter("name", [name])] },
            context.CancellationToken);
        var imageId = existing.Images?.FirstOrDefault()?.ImageId;
        if (imageId is null)
        {
            var ownTag = new Tag(TagKeys.ManagedInstance, context.ManagedInstanceId);
            imageId = (await ec2.CreateImageAsync(new CreateImageRequest
            {
                InstanceId = originalId,
                Name = name,
                Description = $"StatefulSpot import of {originalId} as {context.ManagedInstanceId}",

                // An instance that is terminated next may as well reboot for a consistent image; one that keeps running is not disturbed.
                NoReboot = context.Operation.OldInstanceId is null,
                TagSpecifications =
                [
                    new TagSpecification { ResourceType = ResourceType.Image, Tags = [ownTag] },
                    new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = [ownTag] },
                ],
            }, context.CancellationToken)).ImageId;
        }

        return StepResult.Done(context.State with { Operation = context.Operation with { RootImageId = imageId } });
    }

    private async Task<StepResult> WaitOriginalImageAsync(StepContext context)
    {
        var imageId = context.Operation.RootImageId!;
        var image = (await ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [imageId] }, context.CancellationToken)).Images?.FirstOrDefault();
        switch (image?.State?.Value)
        {
            case "available":
                break;
            case "failed" or "invalid" or "error":
                throw new SagaStepFailedException($"the image {imageId} of {context.State.ImportedFrom} is {image.State.Value}");
            default:
                return StepResult.Wait($"image {imageId} of {context.State.ImportedFrom} to be available (it is {image?.State?.Value})");
        }

        var root = context.Spec.LaunchSpecification.RootDeviceName;
        var mappings = image.BlockDeviceMappings ?? [];
        var rootSnapshot = mappings.FirstOrDefault(b => b.DeviceName == root)?.Ebs?.SnapshotId
            ?? throw new SagaStepFailedException($"the image {imageId} has no snapshot of the root device {root}");
        var dataSnapshots = mappings.Where(b => b.DeviceName != root && b.Ebs?.SnapshotId is not null).ToList();
        var sources = dataSnapshots.Count == 0
            ? []
            : (await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [.. dataSnapshots.Select(b => b.Ebs.SnapshotId)] },
                context.CancellationToken)).Snapshots ?? [];
        return StepResult.Done(context.State with
        {
            RootImages = [new RootImage(imageId, rootSnapshot, context.State.Generation)],
            LatestSnapshots =
            [
                .. dataSnapshots.Select(b => new DeviceSnapshot(b.DeviceName, b.Ebs.SnapshotId,
                    sources.FirstOrDefault(s => s.SnapshotId == b.Ebs.SnapshotId)?.VolumeId ?? "")),
            ],
        });
    }
}
