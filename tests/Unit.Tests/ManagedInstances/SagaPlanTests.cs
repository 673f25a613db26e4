using Amazon.EC2;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

public sealed class SagaPlanTests
{
    [Fact]
    public void Recycle_WaitsForTheOldInstanceBeforeLaunchingAndAttachesAfterRunning()
    {
        var steps = SagaPlan.Steps(OperationKind.Recycle);

        Assert.Equal(
            [
                SagaStep.WaitOldTerminated, SagaStep.WaitResourcesReleased, SagaStep.SnapshotRoot, SagaStep.SnapshotVolumes,
                SagaStep.WaitRootSnapshot, SagaStep.WaitVolumeSnapshots, SagaStep.RegisterRootImage, SagaStep.WaitRootImage,
                SagaStep.EnsureVolumes, SagaStep.Launch, SagaStep.WaitRunning, SagaStep.RelocateVolumes, SagaStep.AttachVolumes,
                SagaStep.MoveFloatingIp, SagaStep.WaitAttached, SagaStep.AssociateElasticIp, SagaStep.CleanupRoot, SagaStep.CleanupVolumes,
            ],
            steps);
    }

    [Fact]
    public void PrestagedRecycle_LaunchesAndWaitsRunningBeforeTheOldInstanceGoes_AttachesOnlyAfterRelease()
    {
        var steps = SagaPlan.Steps(OperationKind.Recycle, prestaged: true).ToList();

        Assert.True(steps.IndexOf(SagaStep.WaitRunning) < steps.IndexOf(SagaStep.WaitOldTerminated));
        Assert.True(steps.IndexOf(SagaStep.WaitResourcesReleased) < steps.IndexOf(SagaStep.AttachVolumes));
        Assert.Equal(SagaStep.Launch, SagaPlan.First(OperationKind.Recycle, prestaged: true));
    }

    [Fact]
    public void CanPrestage_OnlyWhenNoEniOrRootMustBeFreedFirst()
    {
        Assert.True(SagaPlan.CanPrestage(Specs.Database(persistPrivateIp: false)));
        Assert.False(SagaPlan.CanPrestage(Specs.Database(persistPrivateIp: true)));
        Assert.False(SagaPlan.CanPrestage(Specs.Database(persistPrivateIp: false) with { Network = new NetworkSpec { PrivateIp = "10.0.1.9" } }));

        // onLaunch volumes are rebuilt from a final snapshot, which needs the old instance gone first.
        Assert.False(SagaPlan.CanPrestage(Specs.Database(persistPrivateIp: false) with
        {
            Persistence = new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch },
        }));
    }

    [Fact]
    public void Next_AfterTheLastStep_IsDone() =>
        Assert.Equal(SagaStep.Done, SagaPlan.Next(OperationKind.Create, SagaStep.CleanupVolumes));

    [Fact]
    public void Pause_TerminatesAndWaitsForTheResourcesButLaunchesNothing() =>
        Assert.DoesNotContain(SagaStep.Launch, SagaPlan.Steps(OperationKind.Pause));

    [Fact]
    public void EveryPlanThatLaunches_AttachesVolumesAfterTheInstanceRuns()
    {
        foreach (var kind in Enum.GetValues<OperationKind>())
        {
            var steps = SagaPlan.Steps(kind).ToList();
            if (steps.Contains(SagaStep.Launch))
            {
                Assert.True(steps.IndexOf(SagaStep.Launch) < steps.IndexOf(SagaStep.WaitRunning), $"{kind}: launch before wait running");
                Assert.True(steps.IndexOf(SagaStep.WaitRunning) < steps.IndexOf(SagaStep.AttachVolumes), $"{kind}: attach after running");
            }

            if (steps.Contains(SagaStep.WaitOldTerminated) && steps.Contains(SagaStep.Launch))
            {
                Assert.True(steps.IndexOf(SagaStep.WaitResourcesReleased) < steps.IndexOf(SagaStep.Launch), $"{kind}: the old instance must be gone first");
            }
        }
    }

    [Fact]
    public void Next_ForAStepOutsideThePlan_Throws() =>
        Assert.Throws<ArgumentException>(() => SagaPlan.Next(OperationKind.Create, SagaStep.WaitOldTerminated));

    [Fact]
    public void ClientToken_DiffersPerGenerationAndStep_AndFitsEc2Limit()
    {
        var a = SagaPlan.ClientToken("smi-0123abcd", 1, "launch");
        var b = SagaPlan.ClientToken("smi-0123abcd", 2, "launch");
        var c = SagaPlan.ClientToken("smi-0123abcd", 1, "vol-dev-sdf");

        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
        Assert.All(new[] { a, b, c }, t => Assert.InRange(t.Length, 1, 64));
    }

    [Fact]
    public void LaunchRequest_WithPersistentEni_PutsItAtDeviceIndexZeroAndOmitsSubnet()
    {
        var request = LaunchRequests.Build("smi-0123abcd", 3, Specs.Database(), new LaunchCandidate("m5.large", Spot: true), "us-east-1a", "eni-0aaa1111bbbb2222c", "token");

        var eni = Assert.Single(request.NetworkInterfaces);
        Assert.Equal("eni-0aaa1111bbbb2222c", eni.NetworkInterfaceId);
        Assert.Equal(0, eni.DeviceIndex);
        Assert.Null(request.SubnetId);
        Assert.Equal("token", request.ClientToken);
        Assert.Equal(MarketType.Spot, request.InstanceMarketOptions.MarketType);
        var root = Assert.Single(request.BlockDeviceMappings);
        Assert.Equal("/dev/xvda", root.DeviceName);
        var instanceTags = request.TagSpecifications.Single(t => t.ResourceType == ResourceType.Instance).Tags;
        Assert.Contains(instanceTags, t => t is { Key: "statefulspot:managed-instance", Value: "smi-0123abcd" });
        Assert.Contains(instanceTags, t => t is { Key: "statefulspot:generation", Value: "3" });
        Assert.Contains(instanceTags, t => t is { Key: "team", Value: "payments" });
    }

    [Fact]
    public void LaunchRequest_TagsTheInstanceAndItsVolumesWithTheCluster()
    {
        var request = LaunchRequests.Build("smi-0123abcd", 3, Specs.Database(), new LaunchCandidate("m5.large", Spot: true), "us-east-1a", null, "token",
            clusterId: "prod-east");

        Assert.All([ResourceType.Instance, ResourceType.Volume], type =>
            Assert.Contains(request.TagSpecifications.Single(t => t.ResourceType == type).Tags, t => t is { Key: "statefulspot:cluster", Value: "prod-east" }));
    }

    [Fact]
    public void LaunchRequest_WithoutPersistentEni_TagsThePrimaryEniItCreates_AndNoneWithOne()
    {
        var created = LaunchRequests.Build("smi-0123abcd", 3, Specs.Database(persistPrivateIp: false), new LaunchCandidate("m5.large", Spot: true),
            "us-east-1a", networkInterfaceId: null, "token", clusterId: "prod-east");
        var kept = LaunchRequests.Build("smi-0123abcd", 3, Specs.Database(), new LaunchCandidate("m5.large", Spot: true), "us-east-1a",
            "eni-0aaa1111bbbb2222c", "token", clusterId: "prod-east");

        Assert.Contains(created.TagSpecifications.Single(t => t.ResourceType == ResourceType.NetworkInterface).Tags,
            t => t is { Key: "statefulspot:managed-instance", Value: "smi-0123abcd" });
        Assert.DoesNotContain(kept.TagSpecifications, t => t.ResourceType == ResourceType.NetworkInterface);
    }

    [Fact]
    public void LaunchRequest_WithoutPersistentEni_LaunchesIntoTheFirstSubnet()
    {
        var spec = Specs.Database(persistPrivateIp: false) with { Strategy = new StrategySpec { LifeCycle = LifeCycle.OnDemand } };

        var request = LaunchRequests.Build("smi-0123abcd", 1, spec, new LaunchCandidate("m5.large", Spot: false), "us-east-1a", networkInterfaceId: null, clientToken: "token");

        Assert.Equal("subnet-0aaaaaaaaaaaaaaa1", request.SubnetId);
        Assert.Null(request.NetworkInterfaces);
        Assert.Null(request.InstanceMarketOptions);
    }

    [Fact]
    public void LaunchRequest_OnLaunch_BuildsEachDataVolumeFromItsSnapshotAndKeepsItAfterTermination()
    {
        var spec = Specs.Database(persistPrivateIp: false) with
        {
            Persistence = new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch },
            LaunchSpecification = Specs.Database().LaunchSpecification with
            {
                BlockDeviceMappings =
                [
                    new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 100 },
                    new BlockDeviceMappingSpec { DeviceName = "/dev/sdg", VolumeSizeGiB = 20, VolumeType = "io2", Iops = 4000 },
                ],
            },
        };
        var snapshots = new Dictionary<string, string?> { ["/dev/sdf"] = "snap-0123456789abcdef0", ["/dev/sdg"] = null };

        var request = LaunchRequests.Build("smi-0123abcd", 2, spec, new LaunchCandidate("m5.large", Spot: true), "us-east-1b", null, "token",
            subnetId: "subnet-0bbbbbbbbbbbbbbb2", onLaunchSnapshots: snapshots);

        Assert.Equal("subnet-0bbbbbbbbbbbbbbb2", request.SubnetId);
        Assert.Equal("us-east-1b", request.Placement.AvailabilityZone);
        var sdf = request.BlockDeviceMappings.Single(b => b.DeviceName == "/dev/sdf").Ebs;
        Assert.Equal("snap-0123456789abcdef0", sdf.SnapshotId);
        Assert.Equal(100, sdf.VolumeSize);
        Assert.False(sdf.DeleteOnTermination);
        var sdg = request.BlockDeviceMappings.Single(b => b.DeviceName == "/dev/sdg").Ebs;
        Assert.Null(sdg.SnapshotId);
        Assert.Equal(VolumeType.Io2, sdg.VolumeType);
        Assert.Equal(4000, sdg.Iops);
        Assert.False(sdg.DeleteOnTermination);
    }

    [Fact]
    public void LaunchRequest_Reattach_LeavesDataVolumesOutOfTheLaunch()
    {
        var request = LaunchRequests.Build("smi-0123abcd", 1, Specs.Database(), new LaunchCandidate("m5.large", Spot: true), "us-east-1a", null, "token");

        Assert.Equal("/dev/xvda", Assert.Single(request.BlockDeviceMappings).DeviceName);
    }

    [Fact]
    public void ClientTokens_FitEc2s64Characters_StayReadableWhenShort_AndDifferPerStep()
    {
        var longStep = "launch-r6id.32xlarge-on-demand-ap-southeast-1a";
        var token = SagaPlan.ClientToken("smi-0123456789abcdef0", 100, longStep);

        Assert.Equal("smi-0123abcd-g2-launch-m5.large-spot-us-east-1a", SagaPlan.ClientToken("smi-0123abcd", 2, "launch-m5.large-spot-us-east-1a"));
        Assert.Equal(SagaPlan.MaxClientTokenLength, token.Length);
        Assert.Equal(token, SagaPlan.ClientToken("smi-0123456789abcdef0", 100, longStep));
        Assert.NotEqual(token, SagaPlan.ClientToken("smi-0123456789abcdef0", 100, longStep.Replace("1a", "1b", StringComparison.Ordinal)));
    }
}
