using Amazon.EC2.Model;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Persistence;

/// <summary>
/// blockDevicesMode onLaunch: data volumes get a final snapshot once the old instance is gone, the replacement's launch
/// block-device mapping builds new volumes from it (in any AZ of the spec), and the old volumes go. Continuous snapshots
/// keep the retention.
/// </summary>
public sealed class OnLaunchVolumeTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{
    private static ManagedInstanceSpec OnLaunchSpec(string instanceType = "m5.large", params string[] subnets) => new()
    {
        Name = "search-data",
        SubnetIds = subnets.Length > 0 ? subnets : [DefaultWorld.SubnetA],
        LaunchSpecification = new Grains.Interfaces.LaunchSpecification
        {
            ImageId = DefaultWorld.ImageId,
            InstanceTypes = InstanceTypesSpec.Of(instanceType),
            BlockDeviceMappings =
            [
                new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 40 },
                new BlockDeviceMappingSpec { DeviceName = "/dev/sdg", VolumeSizeGiB = 10, VolumeType = "io2", Iops = 500 },
            ],
        },
        Persistence = new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch },

        // Long enough that no background pass runs during these tests, unless a test asks for one.
        Snapshots = new SnapshotSpec { Interval = TimeSpan.FromHours(1), Retention = 2 },
    };

    [Fact]
    public async Task Interruption_BuildsNewVolumesFromTheFinalSnapshots_AndDeletesTheOldOnes()
    {
        var active = await fixture.CreateActiveAsync(OnLaunchSpec());
        Assert.Equal(["/dev/sdf", "/dev/sdg"], active.Volumes.Select(v => v.DeviceName));
        Assert.All(active.Volumes, v => Assert.Equal(active.InstanceId, v.AttachedInstanceId));
        var oldVolumes = await VolumesAsync(active.Volumes);
        Assert.Equal(40, oldVolumes["/dev/sdf"].Size);
        Assert.Equal("io2", oldVolumes["/dev/sdg"].VolumeType.Value);
        Assert.Equal(500, oldVolumes["/dev/sdg"].Iops);

        await fixture.Emulator.InterruptAsync(active.InstanceId!);
        var after = await fixture.WaitForNextGenerationAsync(active);

        Assert.True(after.Status == ManagedInstanceStatus.Active, $"recovery ended in {after.Status}: {after.LastError}");
        var instance = Assert.Single(await fixture.LiveInstancesAsync(active.Id));
        var newVolumes = await VolumesAsync(after.Volumes);
        foreach (var device in new[] { "/dev/sdf", "/dev/sdg" })
        {
            var volume = newVolumes[device];
            Assert.NotEqual(oldVolumes[device].VolumeId, volume.VolumeId);
            Assert.Equal(instance.InstanceId, Assert.Single(volume.Attachments).InstanceId);
            Assert.Equal(oldVolumes[device].Size, volume.Size);
            Assert.Equal(oldVolumes[device].VolumeType, volume.VolumeType);
            Assert.Equal(oldVolumes[device].Iops, volume.Iops);

            // The new volume was built from a completed snapshot of exactly the old one.
            var snapshot = (await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [volume.SnapshotId] })).Snapshots.Single();
            Assert.Equal(oldVolumes[device].VolumeId, snapshot.VolumeId);
            Assert.Equal("completed", snapshot.State.Value);
        }

        Assert.Empty((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest
        {
            Filters = [new Filter("volume-id", [.. oldVolumes.Values.Select(v => v.VolumeId)])],
        })).Volumes ?? []);
    }

    [Fact]
    public async Task AVolumeOfOursThatNothingRecords_IsDeletedByTheNextRecycle_TheRecordedOnesStay()
    {
        var active = await fixture.CreateActiveAsync(OnLaunchSpec());

        // As a launch mapping leaves it when its instance dies before it runs: detached, tagged, in no state.
        var stray = (await fixture.Ec2.CreateVolumeAsync(new CreateVolumeRequest
        {
            AvailabilityZone = DefaultWorld.ZoneA,
            Size = 40,
            TagSpecifications = [new TagSpecification
            {
                ResourceType = Amazon.EC2.ResourceType.Volume,
                Tags = [new Tag(TagKeys.ManagedInstance, active.Id)],
            }],
        })).Volume.VolumeId;

        var recycled = await fixture.RecycleAndWaitAsync(active);
        Assert.Empty((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [new Filter("volume-id", [stray])] })).Volumes ?? []);
        Assert.Equal(recycled.Volumes.Select(v => v.VolumeId).Append(recycled.RootVolumeId).Order(),
            (await OwnVolumesAsync(active.Id)).Select(v => v.VolumeId).Order());
    }

    [Fact]
    public async Task NoCapacityInTheCurrentAz_TheReplacementAndItsVolumesComeUpInAnotherAzOfTheSpec()
    {
        var spec = OnLaunchSpec("c5.large", DefaultWorld.SubnetA, DefaultWorld.SubnetB) with
        {
            Strategy = new StrategySpec { FallbackToOnDemand = false },
        };
        var active = await fixture.CreateActiveAsync(spec);
        Assert.Equal(DefaultWorld.ZoneA, active.AvailabilityZone);

        // The zone's c5.large Spot pool is withdrawn: EC2 reclaims the instance, and nothing can launch there.
        await fixture.Emulator.SetCapacityAsync("c5.large", DefaultWorld.ZoneA, "spot", 0);
        try
        {
            var after = await fixture.WaitForNextGenerationAsync(active);

            Assert.True(after.Status == ManagedInstanceStatus.Active, $"recovery ended in {after.Status}: {after.LastError}");
            Assert.Equal(DefaultWorld.ZoneB, after.AvailabilityZone);
            var instance = Assert.Single(await fixture.LiveInstancesAsync(active.Id));
            Assert.Equal(DefaultWorld.SubnetB, instance.SubnetId);
            var volumes = await VolumesAsync(after.Volumes);
            Assert.All(volumes.Values, v => Assert.Equal(DefaultWorld.ZoneB, v.AvailabilityZone));
            var snapshot = (await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [volumes["/dev/sdf"].SnapshotId] })).Snapshots.Single();
            Assert.Equal(active.Volumes.Single(v => v.DeviceName == "/dev/sdf").VolumeId, snapshot.VolumeId);
        }
        finally
        {
            await fixture.Emulator.SetCapacityAsync("c5.large", DefaultWorld.ZoneA, "spot", null);
        }
    }

    [Fact]
    public async Task Reattach_NoCapacityInTheCurrentAz_RebuildsTheVolumeInTheNewAzFromAFinalSnapshot()
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with
        {
            SubnetIds = [DefaultWorld.SubnetA, DefaultWorld.SubnetC],
            LaunchSpecification = InterruptionRecoveryTests.DatabaseSpec().LaunchSpecification with { InstanceTypes = InstanceTypesSpec.Of("r5.large") },
            Strategy = new StrategySpec { FallbackToOnDemand = false },
            Snapshots = new SnapshotSpec { Interval = TimeSpan.FromHours(1) },
        };
        var active = await fixture.CreateActiveAsync(spec);
        var oldVolume = active.Volumes.Single();
        Assert.Equal(DefaultWorld.ZoneA, oldVolume.AvailabilityZone);

        await fixture.Emulator.SetCapacityAsync("r5.large", DefaultWorld.ZoneA, "spot", 0);
        try
        {
            var after = await fixture.WaitForNextGenerationAsync(active);

            Assert.True(after.Status == ManagedInstanceStatus.Active, $"recovery ended in {after.Status}: {after.LastError}");
            Assert.Equal(DefaultWorld.ZoneC, after.AvailabilityZone);
            var instance = Assert.Single(await fixture.LiveInstancesAsync(active.Id));
            var moved = (await VolumesAsync(after.Volumes))["/dev/sdf"];
            Assert.NotEqual(oldVolume.VolumeId, moved.VolumeId);
            Assert.Equal(DefaultWorld.ZoneC, moved.AvailabilityZone);
            Assert.Equal(instance.InstanceId, Assert.Single(moved.Attachments).InstanceId);
            var snapshot = (await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [moved.SnapshotId] })).Snapshots.Single();
            Assert.Equal(oldVolume.VolumeId, snapshot.VolumeId);
            Assert.Empty((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest
            {
                Filters = [new Filter("volume-id", [oldVolume.VolumeId!])],
            })).Volumes ?? []);
        }
        finally
        {
            await fixture.Emulator.SetCapacityAsync("r5.large", DefaultWorld.ZoneA, "spot", null);
        }
    }

    [Fact]
    public async Task PauseKeepsOnlySnapshots_ResumeRebuildsTheVolumesFromThem()
    {
        var active = await fixture.CreateActiveAsync(OnLaunchSpec());

        var paused = await fixture.PauseAndWaitAsync(active.Id);
        Assert.Empty(paused.Volumes);
        Assert.Empty(await OwnVolumesAsync(active.Id));

        await fixture.Client.ResumeAsync(active.Id);
        var resumed = await fixture.WaitForNextGenerationAsync(paused);

        Assert.True(resumed.Status == ManagedInstanceStatus.Active, $"resume ended in {resumed.Status}: {resumed.LastError}");
        var volumes = await VolumesAsync(resumed.Volumes);
        Assert.Equal(2, volumes.Count);
        foreach (var volume in volumes.Values)
        {
            var snapshot = (await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [volume.SnapshotId] })).Snapshots.Single();
            Assert.Contains(snapshot.VolumeId, active.Volumes.Select(v => v.VolumeId));
        }
    }

    [Fact]
    public async Task RecycleThenPause_SnapshotsTheVolumesTheRecycleMade_SoResumeHasTheLatestData()
    {
        var active = await fixture.CreateActiveAsync(OnLaunchSpec());
        var recycled = await fixture.RecycleAndWaitAsync(active);

        // The pause runs in the recycle's generation: its final snapshots must be of the recycle's volumes, not the older ones.
        var paused = await fixture.PauseAndWaitAsync(active.Id);
        await fixture.Client.ResumeAsync(active.Id);
        var resumed = await fixture.WaitForNextGenerationAsync(paused);

        Assert.True(resumed.Status == ManagedInstanceStatus.Active, $"resume ended in {resumed.Status}: {resumed.LastError}");
        var volumes = await VolumesAsync(resumed.Volumes);
        foreach (var (device, volume) in volumes)
        {
            var snapshot = (await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [volume.SnapshotId] })).Snapshots.Single();
            Assert.Equal(recycled.Volumes.Single(v => v.DeviceName == device).VolumeId, snapshot.VolumeId);
        }
    }

    [Fact]
    public async Task ContinuousSnapshots_RunEveryInterval_KeepTheRetentionPerDevice_AndGoWithDeleteSnapshots()
    {
        var spec = OnLaunchSpec() with
        {
            Persistence = new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch, PersistRootDevice = true },
            Snapshots = new SnapshotSpec { Interval = TimeSpan.FromSeconds(1), Retention = 2 },
        };
        var active = await fixture.CreateActiveAsync(spec);
        var devices = new[] { "/dev/xvda", "/dev/sdf", "/dev/sdg" };

        // Pass after pass, every device gets new snapshots of its own volume and never holds more than the retention.
        var seen = devices.ToDictionary(d => d, _ => new HashSet<string>());
        var deadline = DateTime.UtcNow + StatefulSpotClusterFixture.Patience;
        while (DateTime.UtcNow < deadline && seen.Values.Any(ids => ids.Count < 4))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            var snapshots = await OwnSnapshotsAsync(active.Id);
            foreach (var device in devices)
            {
                var mine = snapshots.Where(s => Device(s) == device).ToList();
                Assert.InRange(mine.Count, 0, 2);
                var volumeId = device == "/dev/xvda" ? active.RootVolumeId : active.Volumes.Single(v => v.DeviceName == device).VolumeId;
                Assert.All(mine, s => Assert.Equal(volumeId, s.VolumeId));
                seen[device].UnionWith(mine.Select(s => s.SnapshotId));
            }
        }

        Assert.All(devices, d => Assert.True(seen[d].Count >= 4, $"{d} got only {seen[d].Count} snapshots"));
        var latest = await OwnSnapshotsAsync(active.Id);
        Assert.All(devices, d => Assert.Contains(latest, s => Device(s) == d && s.State.Value == "completed"));

        await fixture.Client.DeleteAsync(active.Id, new DeleteOptions
        {
            ShouldTerminateInstance = true,
            ShouldDeleteVolumes = true,
            ShouldDeleteSnapshots = true,
            ShouldDeleteImages = true,
            ShouldDeleteNetworkInterfaces = true,
        });
        var deleted = await fixture.Client.WaitUntilAsync(active.Id, v => v.Status is ManagedInstanceStatus.Deleted or ManagedInstanceStatus.Error,
            StatefulSpotClusterFixture.Patience);
        Assert.True(deleted.Status == ManagedInstanceStatus.Deleted, $"delete ended in {deleted.Status}: {deleted.LastError}");
        Assert.Empty(await OwnSnapshotsAsync(active.Id));
        Assert.Empty(await OwnVolumesAsync(active.Id));

        // The pass has stopped with the managed instance.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(await OwnSnapshotsAsync(active.Id));
    }

    private static string? Device(Snapshot snapshot) => snapshot.Tags?.FirstOrDefault(t => t.Key == TagKeys.Device)?.Value;

    private async Task<Dictionary<string, Volume>> VolumesAsync(IEnumerable<VolumeView> views)
    {
        var byId = views.ToDictionary(v => v.VolumeId!, v => v.DeviceName);
        var response = await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [.. byId.Keys] });
        return response.Volumes.ToDictionary(v => byId[v.VolumeId], v => v);
    }

    private async Task<List<Volume>> OwnVolumesAsync(string managedInstanceId) =>
    [
        .. (await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest
        {
            Filters = [new Filter($"tag:{TagKeys.ManagedInstance}", [managedInstanceId])],
        })).Volumes ?? [],
    ];

    private async Task<IReadOnlyList<Snapshot>> OwnSnapshotsAsync(string managedInstanceId) =>
    [
        .. (await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
        {
            OwnerIds = ["self"],
            Filters = [new Filter($"tag:{TagKeys.ManagedInstance}", [managedInstanceId]), new Filter("tag-key", [TagKeys.Device])],
        })).Snapshots ?? [],
    ];
}
