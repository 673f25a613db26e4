using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// Root-volume persistence: once the old instance is gone and its root volume is <c>available</c>, a final snapshot
/// (crash-consistent), an image registered from it, and the next launch boots from that image. Superseded images and
/// their snapshots are removed beyond the retention. Every step skips itself without persistRootDevice.
/// </summary>
public sealed partial class ManagedInstanceSteps
{
    private const string TokenTag = "statefulspot:client-token";

    private async Task<StepResult> SnapshotRootAsync(StepContext context)
    {
        if (!context.Spec.Persistence.PersistRootDevice || context.State.RootVolumeId is not { } rootVolumeId)
        {
            return StepResult.Done(context.State);
        }

        var volume = (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [rootVolumeId] }, context.CancellationToken)).Volumes?.FirstOrDefault();
        if (volume?.State?.Value != "available")
        {
            return StepResult.Wait($"root volume {rootVolumeId} to be released (it is {volume?.State?.Value})");
        }

        // CreateSnapshot has no client token: a tag stands in for one, and is looked for before creating.
        var token = context.ClientToken($"root-snapshot-{rootVolumeId}");
        var snapshotId = await FindSnapshotByTokenAsync(token, context.CancellationToken);
        if (snapshotId is null)
        {
            var created = await ec2.CreateSnapshotAsync(new CreateSnapshotRequest
            {
                VolumeId = rootVolumeId,
                Description = $"StatefulSpot {context.ManagedInstanceId} root, generation {context.State.Generation}",
                TagSpecifications = [new TagSpecification
                {
                    ResourceType = ResourceType.Snapshot,
                    Tags = [new Tag(TagKeys.ManagedInstance, context.ManagedInstanceId), new Tag(TokenTag, token)],
                }],
            }, context.CancellationToken);
            snapshotId = created.Snapshot.SnapshotId;
        }

        return StepResult.Done(context.State with
        {
            StaleRootVolumeId = rootVolumeId,
            Operation = context.Operation with { RootSnapshotId = snapshotId },
        });
    }

    private async Task<StepResult> WaitRootSnapshotAsync(StepContext context)
    {
        if (context.Operation.RootSnapshotId is not { } snapshotId)
        {
            return StepResult.Done(context.State);
        }

        var snapshot = (await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [snapshotId] }, context.CancellationToken))
            .Snapshots?.FirstOrDefault();
        return snapshot?.State?.Value switch
        {
            "completed" => StepResult.Done(context.State),
            "error" => throw new SagaStepFailedException($"the final root snapshot {snapshotId} failed: {snapshot.StateMessage}"),
            var state => StepResult.Wait($"root snapshot {snapshotId} to complete (it is {state} {snapshot?.Progress})"),
        };
    }

    private async Task<StepResult> RegisterRootImageAsync(StepContext context)
    {
        if (context.Operation.RootSnapshotId is not { } snapshotId)
        {
            return StepResult.Done(context.State);
        }

        var launch = context.Spec.LaunchSpecification;
        // Named after the snapshot: one image per final root snapshot, even for two operations of one generation.
        var name = $"statefulspot-{context.ManagedInstanceId}-{snapshotId}";
        var existing = await ec2.DescribeImagesAsync(new DescribeImagesRequest
        {
            Owners = ["self"],
            Filters = [new Filter("name", [name])],
        }, context.CancellationToken);
        var imageId = existing.Images?.FirstOrDefault()?.ImageId ?? (await ec2.RegisterImageAsync(new RegisterImageRequest
        {
            Name = name,
            Description = $"Root of StatefulSpot managed instance {context.ManagedInstanceId}",
            RootDeviceName = launch.RootDeviceName,
            Architecture = ArchitectureValues.X86_64,
            VirtualizationType = "hvm",
            EnaSupport = true,

            // Tagged so that clean-up may deregister it (the IAM policy lets StatefulSpot destroy only what carries its tag).
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Image, Tags = [new Tag(TagKeys.ManagedInstance, context.ManagedInstanceId)] }],
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

    private async Task<StepResult> WaitRootImageAsync(StepContext context)
    {
        if (context.Operation is not { RootImageId: { } imageId, RootSnapshotId: { } snapshotId })
        {
            return StepResult.Done(context.State);
        }

        var image = (await ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [imageId] }, context.CancellationToken)).Images?.FirstOrDefault();
        return image?.State?.Value switch
        {
            "available" => StepResult.Done(context.State with
            {
                RootImages = [.. context.State.RootImages.Where(i => i.ImageId != imageId), new RootImage(imageId, snapshotId, context.State.Generation)],
            }),
            "failed" or "invalid" or "error" => throw new SagaStepFailedException($"the root image {imageId} is {image.State.Value}"),
            var state => StepResult.Wait($"root image {imageId} to be available (it is {state})"),
        };
    }

    /// <summary>After the replacement runs from the new image: the old root volume and the images beyond retention go.</summary>
    private async Task<StepResult> CleanupRootAsync(StepContext context)
    {
        if (!context.Spec.Persistence.PersistRootDevice)
        {
            return StepResult.Done(context.State);
        }

        if (context.State.StaleRootVolumeId is { } oldRoot && oldRoot != context.State.RootVolumeId)
        {
            await IgnoreNotFoundAsync(() => ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = oldRoot }, context.CancellationToken));
        }

        var keep = Math.Max(1, context.Spec.Snapshots.Retention);
        var superseded = context.State.RootImages.SkipLast(keep).ToList();
        foreach (var image in superseded)
        {
            await DeleteImageAsync(image, context.CancellationToken);
        }

        return StepResult.Done(context.State with { RootImages = [.. context.State.RootImages.TakeLast(keep)], StaleRootVolumeId = null });
    }

    private async Task<StepResult> DeleteRootArtifactsAsync(StepContext context)
    {
        var options = context.Operation.DeleteOptions;
        if (options is null)
        {
            return StepResult.Done(context.State);
        }

        var images = context.State.RootImages;
        if (options.ShouldDeleteImages)
        {
            foreach (var image in images)
            {
                await IgnoreNotFoundAsync(() => ec2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = image.ImageId }, context.CancellationToken));
            }
        }

        if (options is { ShouldDeleteImages: true, ShouldDeleteSnapshots: true })
        {
            foreach (var image in images)
            {
                await IgnoreNotFoundAsync(() => ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = image.SnapshotId }, context.CancellationToken));
            }
        }

        if (options.ShouldDeleteSnapshots)
        {
            await DeleteDeviceSnapshotsAsync(context.ManagedInstanceId, context.CancellationToken);
            foreach (var snapshot in context.State.LatestSnapshots)
            {
                await DeleteSnapshotQuietlyAsync(snapshot.SnapshotId, context.CancellationToken);
            }
        }

        if (options is { ShouldDeleteVolumes: true, ShouldTerminateInstance: true } && context.State.RootVolumeId is { } root
            && context.Spec.Persistence.PersistRootDevice)
        {
            await IgnoreNotFoundAsync(() => ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = root }, context.CancellationToken));
        }

        return StepResult.Done(context.State with { RootImages = options.ShouldDeleteImages ? [] : images });
    }

    private async Task DeleteImageAsync(RootImage image, CancellationToken cancellationToken)
    {
        await IgnoreNotFoundAsync(() => ec2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = image.ImageId }, cancellationToken));
        await IgnoreNotFoundAsync(() => ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = image.SnapshotId }, cancellationToken));
    }

    private static async Task IgnoreNotFoundAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (AmazonEC2Exception exception) when (Ec2Errors.Classify(exception) == Ec2ErrorKind.NotFound)
        {
            // Already gone.
        }
    }
}
