using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class SnapshotTests
{
    [Fact]
    public async Task CreateSnapshot_IsPendingWithPercentProgress_ThenCompletedAt100()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.FirstSnapshotDuration = TimeSpan.FromSeconds(100));
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA, 30);

        var created = (await world.Ec2.CreateSnapshotAsync(new CreateSnapshotRequest
        {
            VolumeId = volume.VolumeId,
            Description = "nightly",
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = [new Tag("kind", "root")] }],
        })).Snapshot;

        Assert.Matches("^snap-[0-9a-f]{17}$", created.SnapshotId);
        Assert.Equal(SnapshotState.Pending, created.State);
        Assert.Equal("0%", created.Progress);
        Assert.Equal(30, created.VolumeSize);
        Assert.Equal(volume.VolumeId, created.VolumeId);
        Assert.Equal("123456789012", created.OwnerId);
        Assert.Equal("root", Assert.Single(created.Tags).Value);
        var midway = await Eventually.ReturnsAsync(() => world.DescribeSnapshotAsync(created.SnapshotId), s => s.Progress != "0%", "progress");
        Assert.Matches("^[0-9]{1,2}%$", midway.Progress);
        var completed = await world.WaitForSnapshotStateAsync(created.SnapshotId, SnapshotState.Completed);
        Assert.Equal("100%", completed.Progress);
    }

    [Fact]
    public async Task CreateSnapshot_FirstOfAVolumeIsSlowerThanIncrementalOnes()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);

        var first = (await world.Ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = volume.VolumeId })).Snapshot;
        await world.WaitForSnapshotStateAsync(first.SnapshotId, SnapshotState.Completed);
        var second = (await world.Ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = volume.VolumeId })).Snapshot;
        await world.WaitForSnapshotStateAsync(second.SnapshotId, SnapshotState.Completed);

        var infos = world.Emulator.Snapshot().Snapshots.Where(s => s.VolumeId == volume.VolumeId).ToList();
        var firstTook = infos[0].CompletionTime!.Value - infos[0].StartTime;
        var secondTook = infos[1].CompletionTime!.Value - infos[1].StartTime;
        Assert.Equal(TimeSpan.FromSeconds(60 * EmulatorHarness.FastTimeScale), firstTook);
        Assert.Equal(TimeSpan.FromSeconds(10 * EmulatorHarness.FastTimeScale), secondTook);
    }

    [Fact]
    public async Task CreateSnapshot_OfAVolumeMadeFromTheAccountsOwnSnapshot_IsIncrementalFromTheStart()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var original = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);
        var source = (await world.Ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = original.VolumeId })).Snapshot;
        await world.WaitForSnapshotStateAsync(source.SnapshotId, SnapshotState.Completed);
        var restored = (await world.Ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = DefaultWorld.ZoneA, SnapshotId = source.SnapshotId })).Volume;
        await world.WaitForVolumeStateAsync(restored.VolumeId, VolumeState.Available);

        var first = (await world.Ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = restored.VolumeId })).Snapshot;
        await world.WaitForSnapshotStateAsync(first.SnapshotId, SnapshotState.Completed);

        var info = world.Emulator.Snapshot().Snapshots.Single(s => s.SnapshotId == first.SnapshotId);
        Assert.Equal(TimeSpan.FromSeconds(10 * EmulatorHarness.FastTimeScale), info.CompletionTime!.Value - info.StartTime);
    }

    [Fact]
    public async Task CreateSnapshot_AgainWhileTheLastIsPending_ReturnsSnapshotCreationPerVolumeRateExceeded()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.SnapshotPerVolumeInterval = TimeSpan.FromSeconds(1000));
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);
        await world.Ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = volume.VolumeId });

        await Ec2Assert.FailsAsync("SnapshotCreationPerVolumeRateExceeded", () =>
            world.Ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = volume.VolumeId }));
    }

    [Fact]
    public async Task CreateSnapshot_UnknownOrMalformedVolume_ReturnsVolumeErrors()
    {
        await using var world = await EmulatorHarness.StartAsync();

        await Ec2Assert.FailsAsync("InvalidVolume.NotFound", () =>
            world.Ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = "vol-0000000000000000f" }));
        await Ec2Assert.FailsAsync("InvalidVolumeID.Malformed", () =>
            world.Ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = "vol-x" }));
    }

    [Fact]
    public async Task DescribeSnapshots_OwnerSelfFiltersAndUnknownIds()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var mine = await world.CreateCompletedSnapshotAsync();

        var self = (await world.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] })).Snapshots;
        var amazon = (await world.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["amazon"] })).Snapshots;
        var byVolume = (await world.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
        {
            Filters = [new Filter("volume-id", [mine.VolumeId]), new Filter("status", ["completed"])],
        })).Snapshots;
        var none = (await world.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { Filters = [new Filter("status", ["pending"])] })).Snapshots;

        Assert.Equal(mine.SnapshotId, Assert.Single(self).SnapshotId);
        Assert.Equal(DefaultWorld.RootSnapshotId, Assert.Single(amazon).SnapshotId);
        Assert.Equal("amazon", amazon[0].OwnerAlias);
        Assert.Equal(mine.SnapshotId, Assert.Single(byVolume).SnapshotId);
        Assert.Null(none);
        await Ec2Assert.FailsAsync("InvalidSnapshot.NotFound", () =>
            world.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = ["snap-0000000000000000f"] }));
        await Ec2Assert.FailsAsync("InvalidSnapshotID.Malformed", () =>
            world.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = ["snap-bad"] }));
    }

    [Fact]
    public async Task DeleteSnapshot_Unused_IsGone_UsedByAnImage_ReturnsInUse()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var unused = await world.CreateCompletedSnapshotAsync();
        var used = await world.CreateCompletedSnapshotAsync();
        var image = await world.RegisterAvailableImageAsync(used.SnapshotId, "uses-a-snapshot");

        await world.Ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = unused.SnapshotId });
        var error = await Ec2Assert.FailsAsync("InvalidSnapshot.InUse", () =>
            world.Ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = used.SnapshotId }));
        await Ec2Assert.FailsAsync("InvalidSnapshot.InUse", () =>
            world.Ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = DefaultWorld.RootSnapshotId }));

        Assert.Equal($"The snapshot {used.SnapshotId} is currently in use by {image.ImageId}", error.Message);
        await Ec2Assert.FailsAsync("InvalidSnapshot.NotFound", () => world.DescribeSnapshotAsync(unused.SnapshotId));
        await world.Ec2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = image.ImageId });
        await world.Ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = used.SnapshotId });
        Assert.DoesNotContain(world.Emulator.Snapshot().Snapshots, s => s.SnapshotId == used.SnapshotId);
    }

    [Fact]
    public async Task CreateVolume_FromSnapshot_TakesItsSize_AndRejectsSmallerSizes()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var snapshot = await world.CreateCompletedSnapshotAsync(size: 40);

        var restored = (await world.Ec2.CreateVolumeAsync(new CreateVolumeRequest
        {
            AvailabilityZone = DefaultWorld.ZoneB,
            SnapshotId = snapshot.SnapshotId,
            VolumeType = VolumeType.Gp3,
        })).Volume;

        Assert.Equal(40, restored.Size);
        Assert.Equal(snapshot.SnapshotId, restored.SnapshotId);
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.CreateVolumeAsync(new CreateVolumeRequest
        {
            AvailabilityZone = DefaultWorld.ZoneB,
            SnapshotId = snapshot.SnapshotId,
            Size = 39,
        }));
        await Ec2Assert.FailsAsync("InvalidSnapshot.NotFound", () => world.Ec2.CreateVolumeAsync(new CreateVolumeRequest
        {
            AvailabilityZone = DefaultWorld.ZoneB,
            SnapshotId = "snap-0000000000000000f",
        }));
    }
}
