using Amazon.EC2.Model;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Persistence;

/// <summary>persistRootDevice: the root disk survives every replacement as an image of its final snapshot.</summary>
public sealed class RootPersistenceTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{
    [Fact]
    public async Task Interruptions_BootEachReplacementFromTheFinalRootSnapshot_AndKeepOnlyTheRetainedImages()
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec() with
        {
            Persistence = new PersistenceSpec { PersistPrivateIp = true, PersistRootDevice = true },
            Snapshots = new SnapshotSpec { Retention = 1 },
        };
        var active = await fixture.CreateActiveAsync(spec);
        Assert.Equal(DefaultWorld.ImageId, active.ImageId);
        var firstRoot = active.RootVolumeId!;

        await fixture.Emulator.InterruptAsync(active.InstanceId!);
        var second = await fixture.WaitForNextGenerationAsync(active);

        Assert.True(second.Status == ManagedInstanceStatus.Active, $"recovery ended in {second.Status}: {second.LastError}");
        Assert.NotEqual(DefaultWorld.ImageId, second.ImageId);
        var instance = Assert.Single(await fixture.LiveInstancesAsync(active.Id));
        Assert.Equal(second.ImageId, instance.ImageId);
        var image = (await fixture.Ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [second.ImageId!] })).Images.Single();
        Assert.Contains(image.Tags, t => t.Key == "statefulspot:managed-instance" && t.Value == active.Id);
        var snapshotId = image.BlockDeviceMappings.Single().Ebs.SnapshotId;
        var snapshot = (await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [snapshotId] })).Snapshots.Single();
        Assert.Equal(firstRoot, snapshot.VolumeId);
        Assert.Empty((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [new Filter("volume-id", [firstRoot])] })).Volumes ?? []);
        Assert.Equal(active.Volumes.Single().VolumeId, second.Volumes.Single().VolumeId);
        Assert.Equal(active.PrivateIp, second.PrivateIp);

        await fixture.Emulator.InterruptAsync(second.InstanceId!);
        var third = await fixture.WaitForNextGenerationAsync(second);

        Assert.True(third.Status == ManagedInstanceStatus.Active, $"recovery ended in {third.Status}: {third.LastError}");
        Assert.NotEqual(second.ImageId, third.ImageId);
        var images = (await fixture.Ec2.DescribeImagesAsync(new DescribeImagesRequest
        {
            Owners = ["self"],
            Filters = [new Filter("image-id", [second.ImageId!, third.ImageId!])],
        })).Images ?? [];
        Assert.Equal([third.ImageId], images.Where(i => i.State.Value == "available").Select(i => i.ImageId));
        Assert.Empty((await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { Filters = [new Filter("snapshot-id", [snapshotId])] })).Snapshots ?? []);
    }

    [Fact]
    public async Task RecycleThenPause_ImagesTheRootTheRecycleBooted_AndResumeBootsFromIt()
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with
        {
            Persistence = new PersistenceSpec { PersistRootDevice = true },
        };
        var active = await fixture.CreateActiveAsync(spec);
        var recycled = await fixture.RecycleAndWaitAsync(active);

        var paused = await fixture.PauseAndWaitAsync(active.Id);
        Assert.NotEqual(recycled.ImageId, paused.ImageId);
        await fixture.Client.ResumeAsync(active.Id);
        var resumed = await fixture.WaitForNextGenerationAsync(paused);

        Assert.True(resumed.Status == ManagedInstanceStatus.Active, $"resume ended in {resumed.Status}: {resumed.LastError}");
        var image = (await fixture.Ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [resumed.ImageId!] })).Images.Single();
        var snapshot = (await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
        {
            SnapshotIds = [image.BlockDeviceMappings.Single().Ebs.SnapshotId],
        })).Snapshots.Single();
        Assert.Equal(recycled.RootVolumeId, snapshot.VolumeId);
    }

    [Fact]
    public async Task PauseThenResume_BootsFromTheImageOfTheRootVolume_AndDeletesTheOldRoot()
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with
        {
            Persistence = new PersistenceSpec { PersistRootDevice = true },
        };
        var active = await fixture.CreateActiveAsync(spec);

        var paused = await fixture.PauseAndWaitAsync(active.Id);
        Assert.NotEqual(DefaultWorld.ImageId, paused.ImageId);

        await fixture.Client.ResumeAsync(active.Id);
        var resumed = await fixture.WaitForNextGenerationAsync(paused);

        Assert.True(resumed.Status == ManagedInstanceStatus.Active, $"resume ended in {resumed.Status}: {resumed.LastError}");
        Assert.Equal(paused.ImageId, Assert.Single(await fixture.LiveInstancesAsync(active.Id)).ImageId);
        Assert.NotEqual(active.RootVolumeId, resumed.RootVolumeId);
        Assert.Empty((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest
        {
            Filters = [new Filter("volume-id", [active.RootVolumeId!])],
        })).Volumes ?? []);
    }
}
