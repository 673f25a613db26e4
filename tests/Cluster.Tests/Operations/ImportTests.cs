using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Operations;

/// <summary>Importing an EC2 instance that was not ours: it is imaged, and the managed instance runs from that image.</summary>
public sealed class ImportTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{
    [Fact]
    public async Task KeepPrivateIp_TerminatesTheOriginal_AndRunsFromItsImageWithItsIpAndItsData()
    {
        var original = await LaunchLegacyInstanceAsync("legacy-db");
        var originalData = DataVolumeId(original);

        var imported = await fixture.Client.ImportAsync(new ImportRequest
        {
            OriginalInstanceId = original.InstanceId,
            ShouldKeepPrivateIp = true,
            ShouldTerminateInstance = true,
        });
        var active = await fixture.Client.WaitUntilAsync(imported.Id, v => v.Status != ManagedInstanceStatus.Creating, StatefulSpotClusterFixture.Patience);

        Assert.True(active.Status == ManagedInstanceStatus.Active, $"import ended in {active.Status}: {active.LastError}");
        Assert.Equal("legacy-db", active.Spec.Name);
        Assert.Equal(OperationKind.Import, active.History.Last().Kind);
        Assert.Equal("terminated", (await DescribeAsync(original.InstanceId)).State.Name.Value);
        var instance = Assert.Single(await fixture.LiveInstancesAsync(active.Id));
        Assert.Equal(original.PrivateIpAddress, instance.PrivateIpAddress);
        Assert.Equal(original.InstanceType, instance.InstanceType);
        var image = (await fixture.Ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [instance.ImageId] })).Images.Single();
        Assert.Equal($"statefulspot-{active.Id}-import", image.Name);

        // The data volume is a new one built from the image's snapshot of the original data volume, at the same device.
        var volume = Assert.Single(active.Volumes);
        Assert.Equal("/dev/sdf", volume.DeviceName);
        Assert.Equal(instance.InstanceId, volume.AttachedInstanceId);
        var described = (await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volume.VolumeId!] })).Volumes.Single();
        var snapshot = (await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [described.SnapshotId] })).Snapshots.Single();
        Assert.Equal(originalData, snapshot.VolumeId);
        Assert.Equal(20, described.Size);

        // Only the image's mapping of the data device was suppressed: the instance has its root and our volume, nothing more.
        Assert.Equal(["/dev/sdf", "/dev/xvda"], instance.BlockDeviceMappings.Select(b => b.DeviceName).Order());

        // From now on it is a managed instance like any other: an interruption brings it back with the same IP and volume.
        await fixture.Emulator.InterruptAsync(instance.InstanceId);
        var recovered = await fixture.WaitForNextGenerationAsync(active);
        Assert.True(recovered.Status == ManagedInstanceStatus.Active, $"recovery ended in {recovered.Status}: {recovered.LastError}");
        Assert.Equal(original.PrivateIpAddress, recovered.PrivateIp);
        Assert.Equal(volume.VolumeId, recovered.Volumes.Single().VolumeId);
    }

    [Fact]
    public async Task WithoutTerminating_TheOriginalKeepsRunning_AndTheManagedInstanceIsACopy()
    {
        var original = await LaunchLegacyInstanceAsync("reports");

        var imported = await fixture.Client.ImportAsync(new ImportRequest
        {
            OriginalInstanceId = original.InstanceId,
            Name = "reports-managed",
            InstanceTypes = ["m5.xlarge", "m5.large"],
        });
        var active = await fixture.Client.WaitUntilAsync(imported.Id, v => v.Status != ManagedInstanceStatus.Creating, StatefulSpotClusterFixture.Patience);

        Assert.True(active.Status == ManagedInstanceStatus.Active, $"import ended in {active.Status}: {active.LastError}");
        Assert.Equal("reports-managed", active.Spec.Name);
        Assert.Equal("running", (await DescribeAsync(original.InstanceId)).State.Name.Value);
        Assert.NotEqual(original.PrivateIpAddress, active.PrivateIp);
        Assert.Equal("m5.xlarge", active.InstanceType);
    }

    [Fact]
    public async Task BadRequests_AreRejectedBeforeAnythingIsCreated_SayingWhatToFix()
    {
        var original = await LaunchLegacyInstanceAsync("legacy-cache");
        var imagesBefore = await OwnImageCountAsync();

        var keepIpOnly = await Assert.ThrowsAsync<InvalidSpecException>(() => fixture.Client.ImportAsync(new ImportRequest
        {
            OriginalInstanceId = original.InstanceId,
            ShouldKeepPrivateIp = true,
        }));
        Assert.Contains("requires terminating the original", keepIpOnly.Message, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<InvalidSpecException>(() => fixture.Client.ImportAsync(new ImportRequest
        {
            OriginalInstanceId = "i-0fffffffffffffff0",
        }));
        Assert.Contains("is not an instance EC2 knows", unknown.Message, StringComparison.Ordinal);

        var otherSubnet = await Assert.ThrowsAsync<InvalidSpecException>(() => fixture.Client.ImportAsync(new ImportRequest
        {
            OriginalInstanceId = original.InstanceId,
            ShouldKeepPrivateIp = true,
            ShouldTerminateInstance = true,
            SubnetIds = [DefaultWorld.SubnetB],
        }));
        Assert.Contains("keeps the instance in its subnet", otherSubnet.Message, StringComparison.Ordinal);

        // A managed instance's own EC2 instance cannot be imported a second time.
        var managed = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false));
        var owned = await Assert.ThrowsAsync<InvalidSpecException>(() => fixture.Client.ImportAsync(new ImportRequest
        {
            OriginalInstanceId = managed.InstanceId!,
        }));
        Assert.Contains($"already belongs to managed instance {managed.Id}", owned.Message, StringComparison.Ordinal);

        Assert.Equal(imagesBefore, await OwnImageCountAsync());
        Assert.Equal("running", (await DescribeAsync(original.InstanceId)).State.Name.Value);
    }

    private async Task<Instance> LaunchLegacyInstanceAsync(string name)
    {
        var launched = (await fixture.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = DefaultWorld.ImageId,
            InstanceType = InstanceType.M5Large,
            SubnetId = DefaultWorld.SubnetA,
            MinCount = 1,
            MaxCount = 1,
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/sdf", Ebs = new EbsBlockDevice { VolumeSize = 20, VolumeType = VolumeType.Gp3 } }],
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("Name", name), new Tag("team", "data")] }],
        })).Reservation.Instances.Single();
        var deadline = DateTime.UtcNow + StatefulSpotClusterFixture.Patience;
        Instance current;
        while ((current = await DescribeAsync(launched.InstanceId)).State.Name != InstanceStateName.Running && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return current;
    }

    private static string DataVolumeId(Instance instance) => instance.BlockDeviceMappings.Single(b => b.DeviceName == "/dev/sdf").Ebs.VolumeId;

    private async Task<Instance> DescribeAsync(string instanceId) =>
        (await fixture.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] })).Reservations.Single().Instances.Single();

    private async Task<int> OwnImageCountAsync() =>
        ((await fixture.Ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] })).Images ?? []).Count;
}
