using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class ImageTests
{
    [Fact]
    public async Task RegisterImage_FromCompletedSnapshot_IsPendingThenAvailable()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.ImageAvailableDuration = TimeSpan.FromSeconds(50));
        var snapshot = await world.CreateCompletedSnapshotAsync(size: 20);

        var imageId = (await world.Ec2.RegisterImageAsync(new RegisterImageRequest
        {
            Name = "web-1-root-20250101",
            Description = "root of web-1",
            RootDeviceName = "/dev/xvda",
            Architecture = ArchitectureValues.X86_64,
            VirtualizationType = "hvm",
            EnaSupport = true,
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/xvda", Ebs = new EbsBlockDevice { SnapshotId = snapshot.SnapshotId } }],
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Image, Tags = [new Tag("app", "web")] }],
        })).ImageId;

        var pending = await world.DescribeImageAsync(imageId);
        Assert.Matches("^ami-[0-9a-f]{17}$", imageId);
        Assert.Equal(ImageState.Pending, pending.State);
        Assert.Equal("123456789012", pending.OwnerId);
        Assert.Equal("/dev/xvda", pending.RootDeviceName);
        var root = Assert.Single(pending.BlockDeviceMappings);
        Assert.Equal(snapshot.SnapshotId, root.Ebs.SnapshotId);
        Assert.Equal(20, root.Ebs.VolumeSize);
        Assert.Equal("web", Assert.Single(pending.Tags).Value);
        var available = await world.WaitForImageStateAsync(imageId, ImageState.Available);
        Assert.True(available.EnaSupport);
        Assert.Equal(ArchitectureValues.X86_64, available.Architecture);
    }

    [Fact]
    public async Task RegisterImage_InvalidRequests_ReturnAwsErrors()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.IncrementalSnapshotDuration = TimeSpan.FromSeconds(1000));
        var snapshot = await world.CreateCompletedSnapshotAsync();
        await world.RegisterAvailableImageAsync(snapshot.SnapshotId, "taken-name");
        var pendingSnapshot = (await world.Ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = snapshot.VolumeId })).Snapshot;

        await Ec2Assert.FailsAsync("MissingParameter", () => world.RegisterAvailableImageAsync(snapshot.SnapshotId, name: ""));
        await Ec2Assert.FailsAsync("InvalidAMIName.Malformed", () => world.RegisterAvailableImageAsync(snapshot.SnapshotId, "no#hash"));
        await Ec2Assert.FailsAsync("InvalidAMIName.Duplicate", () => world.RegisterAvailableImageAsync(snapshot.SnapshotId, "taken-name"));
        await Ec2Assert.FailsAsync("InvalidSnapshot.NotFound", () => world.RegisterAvailableImageAsync("snap-0000000000000000f", "other"));
        await Ec2Assert.FailsAsync("IncorrectState", () => world.RegisterAvailableImageAsync(pendingSnapshot.SnapshotId, "from-pending"));
        await Ec2Assert.FailsAsync("InvalidBlockDeviceMapping", () =>
            world.RegisterAvailableImageAsync(snapshot.SnapshotId, "unmapped-root", r => r.RootDeviceName = "/dev/sda1"));
    }

    [Fact]
    public async Task RunInstances_FromRegisteredImage_UsesItsRootSnapshotAndSize()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var snapshot = await world.CreateCompletedSnapshotAsync(size: 25);
        var image = await world.RegisterAvailableImageAsync(snapshot.SnapshotId, "restored-root");

        var instance = await world.LaunchRunningAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.ImageId = image.ImageId;
        });

        Assert.Equal(image.ImageId, instance.ImageId);
        var root = await world.DescribeVolumeAsync(instance.BlockDeviceMappings[0].Ebs.VolumeId);
        Assert.Equal(snapshot.SnapshotId, root.SnapshotId);
        Assert.Equal(25, root.Size);
        Assert.Equal(VolumeType.Gp3, root.VolumeType);
    }

    [Fact]
    public async Task RunInstances_FromPendingOrI386OrUnknownImage_IsRejected()
    {
        await using var world = await EmulatorHarness.StartAsync(o =>
        {
            o.ApiCallLatency = TimeSpan.Zero;
            o.RunInstancesCallLatency = TimeSpan.Zero;
        });
        var snapshot = await world.CreateCompletedSnapshotAsync();
        var mapping = new BlockDeviceMapping { DeviceName = "/dev/xvda", Ebs = new EbsBlockDevice { SnapshotId = snapshot.SnapshotId } };
        var defaults = (await world.Ec2.RegisterImageAsync(new RegisterImageRequest
        {
            Name = "model-defaults", RootDeviceName = "/dev/xvda", BlockDeviceMappings = [mapping],
        })).ImageId;
        await world.WaitForImageStateAsync(defaults, ImageState.Available);
        world.Emulator.SetTimeScale(1000);
        var pending = (await world.Ec2.RegisterImageAsync(new RegisterImageRequest
        {
            Name = "pending", RootDeviceName = "/dev/xvda", Architecture = ArchitectureValues.X86_64, VirtualizationType = "hvm",
            EnaSupport = true, BlockDeviceMappings = [mapping],
        })).ImageId;

        await Ec2Assert.FailsAsync("InvalidAMIID.Unavailable", () => world.LaunchAsync(configure: r => r.ImageId = pending));
        var i386 = await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.LaunchAsync(configure: r => r.ImageId = defaults));
        Assert.Contains("i386", i386.Message, StringComparison.Ordinal);
        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => world.LaunchAsync(configure: r => r.ImageId = "ami-0000000000000000f"));
        await Ec2Assert.FailsAsync("InvalidAMIID.Malformed", () => world.LaunchAsync(configure: r => r.ImageId = "ami-zz"));
    }

    [Fact]
    public async Task CreateImage_SnapshotsEveryAttachedVolume_AndIsAvailableAfterTheLastSnapshot()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var data = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA, 50);
        await world.Ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = data.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/sdf" });
        await Eventually.ReturnsAsync(() => world.DescribeVolumeAsync(data.VolumeId), v => v.Attachments?[0].State == AttachmentStatus.Attached, "attached");

        var imageId = (await world.Ec2.CreateImageAsync(new CreateImageRequest
        {
            InstanceId = instance.InstanceId,
            Name = "web-1 backup",
            NoReboot = true,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = [new Tag("backup", "yes")] }],
        })).ImageId;

        var pending = await world.DescribeImageAsync(imageId);
        Assert.Equal(ImageState.Pending, pending.State);
        Assert.Equal(instance.InstanceId, pending.SourceInstanceId);
        Assert.Equal(["/dev/xvda", "/dev/sdf"], pending.BlockDeviceMappings.Select(m => m.DeviceName));
        var snapshotIds = pending.BlockDeviceMappings.Select(m => m.Ebs.SnapshotId).ToList();
        var snapshots = (await world.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = snapshotIds })).Snapshots;
        Assert.All(snapshots, s => Assert.Equal("yes", Assert.Single(s.Tags).Value));
        Assert.Equal(50, snapshots.Single(s => s.VolumeId == data.VolumeId).VolumeSize);

        var available = await world.WaitForImageStateAsync(imageId, ImageState.Available);
        var latestSnapshot = world.Emulator.Snapshot().Snapshots.Where(s => snapshotIds.Contains(s.SnapshotId)).Max(s => s.CompletionTime!.Value);
        Assert.Equal(ImageState.Available, available.State);
        Assert.True(DateTimeOffset.UtcNow >= latestSnapshot);
    }

    [Fact]
    public async Task DescribeImages_ByOwnerAndFilters_AndDeregister()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var snapshot = await world.CreateCompletedSnapshotAsync();
        var image = await world.RegisterAvailableImageAsync(snapshot.SnapshotId, "mine");

        var self = (await world.Ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] })).Images;
        var amazon = (await world.Ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] })).Images;
        var bySnapshot = (await world.Ec2.DescribeImagesAsync(new DescribeImagesRequest
        {
            Filters = [new Filter("block-device-mapping.snapshot-id", [snapshot.SnapshotId]), new Filter("state", ["available"])],
        })).Images;
        var byName = (await world.Ec2.DescribeImagesAsync(new DescribeImagesRequest { Filters = [new Filter("name", ["mi*"])] })).Images;

        Assert.Equal(image.ImageId, Assert.Single(self).ImageId);
        Assert.Equal(DefaultWorld.ImageId, Assert.Single(amazon).ImageId);
        Assert.Equal(image.ImageId, Assert.Single(bySnapshot).ImageId);
        Assert.Equal(image.ImageId, Assert.Single(byName).ImageId);

        var deregistered = await world.Ec2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = image.ImageId, DeleteAssociatedSnapshots = true });
        Assert.True(deregistered.Return);
        Assert.Equal(snapshot.SnapshotId, Assert.Single(deregistered.DeleteSnapshotResults).SnapshotId);
        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => world.DescribeImageAsync(image.ImageId));
        await Ec2Assert.FailsAsync("InvalidSnapshot.NotFound", () => world.DescribeSnapshotAsync(snapshot.SnapshotId));
        await Ec2Assert.FailsAsync("UnauthorizedOperation", () =>
            world.Ec2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = DefaultWorld.ImageId }), 403);
    }
}
