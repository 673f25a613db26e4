using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class VolumeTests
{
    [Fact]
    public async Task CreateVolume_StartsCreatingThenBecomesAvailable()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.VolumeCreatingDuration = TimeSpan.FromSeconds(20));

        var created = (await world.Ec2.CreateVolumeAsync(new CreateVolumeRequest
        {
            AvailabilityZone = DefaultWorld.ZoneB,
            Size = 100,
            VolumeType = VolumeType.Gp3,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Volume, Tags = [new Tag("Name", "data")] }],
        })).Volume;

        Assert.Equal(VolumeState.Creating, created.State);
        Assert.Equal(100, created.Size);
        Assert.Equal(DefaultWorld.ZoneB, created.AvailabilityZone);
        Assert.Equal(3000, created.Iops);
        Assert.Equal(125, created.Throughput);
        Assert.Equal("data", Assert.Single(created.Tags).Value);
        var available = await world.WaitForVolumeStateAsync(created.VolumeId, VolumeState.Available);
        Assert.Null(available.Attachments);
    }

    [Fact]
    public async Task CreateVolume_FromSnapshotWithoutSize_IsAccepted()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var created = (await world.Ec2.CreateVolumeAsync(new CreateVolumeRequest
        {
            AvailabilityZone = DefaultWorld.ZoneA,
            SnapshotId = "snap-0123456789abcdef0",
        })).Volume;

        Assert.Equal("snap-0123456789abcdef0", created.SnapshotId);
        Assert.Equal(VolumeType.Gp2, created.VolumeType);
    }

    [Fact]
    public async Task CreateVolume_WithoutSizeOrSnapshot_ReturnsMissingParameter()
    {
        await using var world = await EmulatorHarness.StartAsync();

        await Ec2Assert.FailsAsync("MissingParameter", () =>
            world.Ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = DefaultWorld.ZoneA }));
    }

    [Fact]
    public async Task CreateVolume_UnknownZoneOrSizeOutOfRange_ReturnsInvalidParameterValue()
    {
        await using var world = await EmulatorHarness.StartAsync();

        await Ec2Assert.FailsAsync("InvalidParameterValue", () =>
            world.Ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1z", Size = 10 }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () =>
            world.Ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = DefaultWorld.ZoneA, Size = 70000, VolumeType = VolumeType.Gp3 }));
    }

    [Fact]
    public async Task CreateVolume_SameClientToken_ReturnsTheSameVolumeOrMismatch()
    {
        await using var world = await EmulatorHarness.StartAsync();
        CreateVolumeRequest Request(int size) => new() { AvailabilityZone = DefaultWorld.ZoneA, Size = size, ClientToken = "vol-token-1" };

        var first = (await world.Ec2.CreateVolumeAsync(Request(10))).Volume;
        var retry = (await world.Ec2.CreateVolumeAsync(Request(10))).Volume;

        Assert.Equal(first.VolumeId, retry.VolumeId);
        Assert.Single(world.Emulator.Snapshot().Volumes);
        await Ec2Assert.FailsAsync("IdempotentParameterMismatch", () => world.Ec2.CreateVolumeAsync(Request(11)));
    }

    [Fact]
    public async Task DescribeVolumes_Filters_MatchIdStatusZoneAttachmentAndTags()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var a = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA, configure: r =>
            r.TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Volume, Tags = [new Tag("role", "data")] }]);
        var b = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneB);
        var root = instance.BlockDeviceMappings[0].Ebs.VolumeId;

        async Task<List<string>> Ids(params Filter[] filters) =>
            ((await world.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [.. filters] })).Volumes ?? []).Select(v => v.VolumeId).ToList();

        Assert.Equal([a.VolumeId], await Ids(new Filter("volume-id", [a.VolumeId])));
        Assert.Equal([a.VolumeId, b.VolumeId], await Ids(new Filter("status", ["available"])));
        Assert.Equal([root], await Ids(new Filter("status", ["in-use"])));
        Assert.Equal([root], await Ids(new Filter("attachment.instance-id", [instance.InstanceId])));
        Assert.Equal([root, a.VolumeId], await Ids(new Filter("availability-zone", [DefaultWorld.ZoneA])));
        Assert.Equal([a.VolumeId], await Ids(new Filter("tag:role", ["data"])));
        Assert.Empty(await Ids(new Filter("tag:role", ["other"])));
    }

    [Fact]
    public async Task DescribeVolumes_UnknownId_ReturnsVolumeNotFound()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var error = await Ec2Assert.FailsAsync("InvalidVolume.NotFound", () => world.DescribeVolumeAsync("vol-0123456789abcdef0"));
        Assert.Equal("The volume 'vol-0123456789abcdef0' does not exist.", error.Message);
    }

    [Fact]
    public async Task AttachVolume_ThenDetach_GoesThroughAttachingAttachedDetachingAvailable()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);

        var attaching = (await world.Ec2.AttachVolumeAsync(new AttachVolumeRequest
        {
            VolumeId = volume.VolumeId,
            InstanceId = instance.InstanceId,
            Device = "/dev/sdf",
        })).Attachment;
        Assert.Equal(VolumeAttachmentState.Attaching, attaching.State);
        Assert.Equal("/dev/sdf", attaching.Device);
        Assert.False(attaching.DeleteOnTermination);

        var attached = await Eventually.ReturnsAsync(
            () => world.DescribeVolumeAsync(volume.VolumeId),
            v => v.Attachments?.SingleOrDefault()?.State == VolumeAttachmentState.Attached, "attached");
        Assert.Equal(VolumeState.InUse, attached.State);
        var described = await world.DescribeInstanceAsync(instance.InstanceId);
        Assert.Equal(volume.VolumeId, described.BlockDeviceMappings.Single(m => m.DeviceName == "/dev/sdf").Ebs.VolumeId);

        var detaching = (await world.Ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = volume.VolumeId })).Attachment;
        Assert.Equal(VolumeAttachmentState.Detaching, detaching.State);
        var available = await world.WaitForVolumeStateAsync(volume.VolumeId, VolumeState.Available);
        Assert.Null(available.Attachments);
    }

    [Fact]
    public async Task AttachVolume_InOtherZone_ReturnsZoneMismatch()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneB);

        var error = await Ec2Assert.FailsAsync("InvalidVolume.ZoneMismatch", () => world.Ec2.AttachVolumeAsync(
            new AttachVolumeRequest { VolumeId = volume.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/sdf" }));
        Assert.Equal($"The volume '{volume.VolumeId}' is not in the same availability zone as instance '{instance.InstanceId}'", error.Message);
    }

    [Fact]
    public async Task AttachVolume_DeviceInUse_ReturnsInvalidParameterValue()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var first = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);
        var second = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);
        await world.Ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = first.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/sdf" });

        var error = await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.AttachVolumeAsync(
            new AttachVolumeRequest { VolumeId = second.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/sdf" }));
        Assert.Equal("Invalid value '/dev/sdf' for unixDevice. Attachment point /dev/sdf is already in use", error.Message);
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.AttachVolumeAsync(
            new AttachVolumeRequest { VolumeId = second.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/xvda" }));
    }

    [Fact]
    public async Task AttachVolume_AttachedToAnotherInstance_ReturnsVolumeInUse()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var one = await world.LaunchRunningAsync();
        var two = await world.LaunchRunningAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);
        await world.Ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume.VolumeId, InstanceId = one.InstanceId, Device = "/dev/sdf" });

        await Ec2Assert.FailsAsync("VolumeInUse", () => world.Ec2.AttachVolumeAsync(
            new AttachVolumeRequest { VolumeId = volume.VolumeId, InstanceId = two.InstanceId, Device = "/dev/sdf" }));
    }

    [Fact]
    public async Task AttachVolume_WhileVolumeIsCreating_ReturnsIncorrectState()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.VolumeCreatingDuration = TimeSpan.FromSeconds(1000));
        var instance = await world.LaunchRunningAsync();
        var volume = (await world.Ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = DefaultWorld.ZoneA, Size = 10 })).Volume;

        await Ec2Assert.FailsAsync("IncorrectState", () => world.Ec2.AttachVolumeAsync(
            new AttachVolumeRequest { VolumeId = volume.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/sdf" }));
    }

    [Fact]
    public async Task AttachVolume_ToPendingInstance_ReturnsIncorrectState()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.InstancePendingDuration = TimeSpan.FromSeconds(1000));
        var instance = await world.LaunchAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);

        var error = await Ec2Assert.FailsAsync("IncorrectState", () => world.Ec2.AttachVolumeAsync(
            new AttachVolumeRequest { VolumeId = volume.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/sdf" }));
        Assert.Equal($"Instance '{instance.InstanceId}' is not 'running'.", error.Message);
    }

    [Fact]
    public async Task AttachVolume_UnknownVolumeOrInstance_ReturnsNotFound()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);

        await Ec2Assert.FailsAsync("InvalidVolume.NotFound", () => world.Ec2.AttachVolumeAsync(
            new AttachVolumeRequest { VolumeId = "vol-0000000000000000f", InstanceId = instance.InstanceId, Device = "/dev/sdf" }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => world.Ec2.AttachVolumeAsync(
            new AttachVolumeRequest { VolumeId = volume.VolumeId, InstanceId = "i-0000000000000000f", Device = "/dev/sdf" }));
    }

    [Fact]
    public async Task DetachVolume_RootVolume_ReturnsIncorrectState()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var root = instance.BlockDeviceMappings[0].Ebs.VolumeId;

        var error = await Ec2Assert.FailsAsync("IncorrectState", () =>
            world.Ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = root }));
        Assert.Equal($"Unable to detach root volume '{root}' from instance '{instance.InstanceId}'", error.Message);
    }

    [Fact]
    public async Task DetachVolume_NotAttached_ReturnsIncorrectState()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);

        var error = await Ec2Assert.FailsAsync("IncorrectState", () =>
            world.Ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = volume.VolumeId }));
        Assert.Equal($"Volume '{volume.VolumeId}' is in the 'available' state.", error.Message);
    }

    [Fact]
    public async Task DetachVolume_WithForceAndInstanceId_Detaches()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);
        await world.Ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/sdh" });

        var detaching = (await world.Ec2.DetachVolumeAsync(new DetachVolumeRequest
        {
            VolumeId = volume.VolumeId,
            InstanceId = instance.InstanceId,
            Force = true,
        })).Attachment;

        Assert.Equal(VolumeAttachmentState.Detaching, detaching.State);
        await world.WaitForVolumeStateAsync(volume.VolumeId, VolumeState.Available);
    }

    [Fact]
    public async Task DeleteVolume_WhenAttached_ReturnsVolumeInUse_AndWhenAvailable_Deletes()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);
        await world.Ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/sdf" });

        var error = await Ec2Assert.FailsAsync("VolumeInUse", () => world.Ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volume.VolumeId }));
        Assert.Equal($"Volume {volume.VolumeId} is currently attached to {instance.InstanceId}", error.Message);

        await world.Ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = volume.VolumeId });
        await world.WaitForVolumeStateAsync(volume.VolumeId, VolumeState.Available);
        await world.Ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volume.VolumeId });
        await Ec2Assert.FailsAsync("InvalidVolume.NotFound", () => world.DescribeVolumeAsync(volume.VolumeId));
        await Ec2Assert.FailsAsync("InvalidVolume.NotFound", () => world.Ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volume.VolumeId }));
    }

    [Fact]
    public async Task DescribeVolumes_NextToken_ContinuesAfterTheLastVolumeEvenWhenAnEarlierOneWasDeleted()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var created = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            created.Add((await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA)).VolumeId);
        }

        var first = await world.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { MaxResults = 5 });
        await world.Ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = created[0] });
        var second = await world.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { MaxResults = 5, NextToken = first.NextToken });

        Assert.Equal(created[..5], first.Volumes.Select(v => v.VolumeId));
        Assert.Equal(created[5..], second.Volumes.Select(v => v.VolumeId));
        Assert.Null(second.NextToken);
    }
}
