using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Operations;

/// <summary>Pause, resume, recycle, update and delete, on a real cluster against the emulator through the real SDK.</summary>
public sealed class LifecycleOperationTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{

    [Fact]
    public async Task PauseThenResume_KeepsVolumeEniAndPrivateIp_OnANewInstance()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec());

        await fixture.Client.PauseAsync(active.Id);
        var paused = await WaitAsync(active.Id, v => v.Status is ManagedInstanceStatus.Paused or ManagedInstanceStatus.Error);

        Assert.Equal(ManagedInstanceStatus.Paused, paused.Status);
        Assert.Null(paused.InstanceId);
        Assert.Empty(await fixture.LiveInstancesAsync(active.Id));
        Assert.Equal("available", (await VolumeAsync(active.Volumes.Single().VolumeId!)).State.Value);
        Assert.Equal("available", (await EniAsync(active.NetworkInterfaceId!)).Status.Value);

        await fixture.Client.ResumeAsync(active.Id);
        var resumed = await WaitAsync(active.Id, v => v.Status is ManagedInstanceStatus.Active or ManagedInstanceStatus.Error);

        Assert.Equal(ManagedInstanceStatus.Active, resumed.Status);
        Assert.NotEqual(active.InstanceId, resumed.InstanceId);
        Assert.Equal(active.PrivateIp, resumed.PrivateIp);
        Assert.Equal(active.Volumes.Single().VolumeId, resumed.Volumes.Single().VolumeId);
        Assert.Equal(resumed.InstanceId, Assert.Single((await VolumeAsync(active.Volumes.Single().VolumeId!)).Attachments).InstanceId);
        Assert.Equal(resumed.InstanceId, Assert.Single(await fixture.LiveInstancesAsync(active.Id)).InstanceId);
        Assert.Equal([OperationKind.Create, OperationKind.Pause, OperationKind.Resume], resumed.History.Select(h => h.Kind));
    }

    [Fact]
    public async Task ElasticIp_FollowsTheManagedInstanceToEveryReplacement()
    {
        var allocation = await fixture.Ec2.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc });
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec() with
        {
            Network = new NetworkSpec { ElasticIpAllocationId = allocation.AllocationId },
        });
        Assert.Equal(active.InstanceId, await AssociatedInstanceAsync(allocation.AllocationId));

        await fixture.Emulator.InterruptAsync(active.InstanceId!);
        var recovered = await fixture.WaitForNextGenerationAsync(active);

        Assert.Equal(ManagedInstanceStatus.Active, recovered.Status);
        Assert.Equal(recovered.InstanceId, await AssociatedInstanceAsync(allocation.AllocationId));
    }

    private async Task<string?> AssociatedInstanceAsync(string allocationId) =>
        (await fixture.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { AllocationIds = [allocationId] })).Addresses.Single().InstanceId;

    [Fact]
    public async Task DeleteOneVolume_WhilePaused_DeletesItAndTheResumedInstanceRunsWithout()
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false);
        spec = spec with
        {
            LaunchSpecification = spec.LaunchSpecification with
            {
                BlockDeviceMappings = [.. spec.LaunchSpecification.BlockDeviceMappings, new BlockDeviceMappingSpec { DeviceName = "/dev/sdg", VolumeSizeGiB = 5 }],
            },
        };
        var active = await fixture.CreateActiveAsync(spec);
        var logs = active.Volumes.Single(v => v.DeviceName == "/dev/sdg").VolumeId!;

        await Assert.ThrowsAsync<InvalidTransitionException>(() => fixture.Client.DeleteVolumeAsync(active.Id, "/dev/sdg"));
        await fixture.Client.PauseAsync(active.Id);
        await fixture.Client.WaitUntilAsync(active.Id, v => v.Status == ManagedInstanceStatus.Paused, StatefulSpotClusterFixture.Patience);
        await Assert.ThrowsAsync<InvalidRequestException>(() => fixture.Client.DeleteVolumeAsync(active.Id, "/dev/sdz"));
        var trimmed = await fixture.Client.DeleteVolumeAsync(active.Id, "/dev/sdg");

        Assert.DoesNotContain(trimmed.Spec.LaunchSpecification.BlockDeviceMappings, b => b.DeviceName == "/dev/sdg");
        Assert.Empty((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [new Filter("volume-id", [logs])] })).Volumes ?? []);
        await fixture.Client.ResumeAsync(active.Id);
        var resumed = await fixture.WaitForNextGenerationAsync(trimmed);
        Assert.Equal(ManagedInstanceStatus.Active, resumed.Status);
        Assert.Equal("/dev/sdf", Assert.Single(resumed.Volumes).DeviceName);
    }

    [Fact]
    public async Task IllegalTransitions_AreRejectedWithATypedErrorAndChangeNothing()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false));

        var resume = await Assert.ThrowsAsync<InvalidTransitionException>(() => fixture.Client.ResumeAsync(active.Id));
        Assert.Equal(ManagedInstanceStatus.Active, resume.Status);
        Assert.Contains("'resume' is not allowed", resume.Message);

        await Assert.ThrowsAsync<ManagedInstanceNotFoundException>(() => fixture.Client.PauseAsync("smi-00000000"));
        var after = await fixture.Client.GetAsync(active.Id);
        Assert.Equal(ManagedInstanceStatus.Active, after!.Status);
        Assert.Equal(active.InstanceId, after.InstanceId);
    }

    [Fact]
    public async Task UpdateThenRecycle_LaunchesTheNewInstanceTypeWithTheSameVolume()
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec();
        var active = await fixture.CreateActiveAsync(spec);

        await fixture.Client.UpdateAsync(active.Id, spec with
        {
            LaunchSpecification = spec.LaunchSpecification with { InstanceTypes = InstanceTypesSpec.Of("r5.large") },
        });
        await fixture.Client.RecycleAsync(active.Id);
        var recycled = await WaitAsync(active.Id, v => v.Generation > active.Generation && v.Status is ManagedInstanceStatus.Active or ManagedInstanceStatus.Error);

        Assert.Equal(ManagedInstanceStatus.Active, recycled.Status);
        Assert.Equal("r5.large", recycled.InstanceType);
        var instance = Assert.Single(await fixture.LiveInstancesAsync(active.Id));
        Assert.Equal(InstanceType.R5Large, instance.InstanceType);
        Assert.Equal(active.Volumes.Single().VolumeId, recycled.Volumes.Single().VolumeId);
        Assert.Equal(active.PrivateIp, recycled.PrivateIp);
    }

    [Fact]
    public async Task Update_ThatRemovesAPersistedVolume_IsRejected()
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false);
        var active = await fixture.CreateActiveAsync(spec);

        var error = await Assert.ThrowsAsync<InvalidSpecException>(() => fixture.Client.UpdateAsync(active.Id,
            spec with { LaunchSpecification = spec.LaunchSpecification with { BlockDeviceMappings = [] } }));

        Assert.Contains("'/dev/sdf'", error.Message);
        Assert.Equal(spec, (await fixture.Client.GetAsync(active.Id))!.Spec, SpecComparer.Instance);
    }

    [Fact]
    public async Task DeleteWithCleanup_LeavesNoInstanceVolumeOrEni()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec());

        await fixture.Client.DeleteAsync(active.Id, new DeleteOptions { ShouldDeleteVolumes = true, ShouldDeleteNetworkInterfaces = true });
        var deleted = await WaitAsync(active.Id, v => v.Status is ManagedInstanceStatus.Deleted or ManagedInstanceStatus.Error);

        Assert.Equal(ManagedInstanceStatus.Deleted, deleted.Status);
        Assert.Empty(await fixture.LiveInstancesAsync(active.Id));
        var volumes = await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [new Filter("volume-id", [active.Volumes.Single().VolumeId!])] });
        Assert.Empty(volumes.Volumes ?? []);
        var enis = await fixture.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
        {
            Filters = [new Filter("network-interface-id", [active.NetworkInterfaceId!])],
        });
        Assert.Empty(enis.NetworkInterfaces ?? []);
        Assert.DoesNotContain(await fixture.Client.ListAsync(), v => v.Id == active.Id);
        await Assert.ThrowsAsync<ManagedInstanceNotFoundException>(() => fixture.Client.PauseAsync(active.Id));
    }

    [Fact]
    public async Task DeleteKeepingData_TerminatesButLeavesTheVolumeAndEniAvailable()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec());

        await fixture.Client.DeleteAsync(active.Id, new DeleteOptions());
        await WaitAsync(active.Id, v => v.Status is ManagedInstanceStatus.Deleted or ManagedInstanceStatus.Error);

        Assert.Empty(await fixture.LiveInstancesAsync(active.Id));
        Assert.Equal("available", (await VolumeAsync(active.Volumes.Single().VolumeId!)).State.Value);
        Assert.Equal("available", (await EniAsync(active.NetworkInterfaceId!)).Status.Value);
    }

    [Fact]
    public async Task DeleteKeepingTheInstanceRunning_CannotDeleteItsVolumes()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false));

        await Assert.ThrowsAsync<InvalidRequestException>(() =>
            fixture.Client.DeleteAsync(active.Id, new DeleteOptions { ShouldTerminateInstance = false, ShouldDeleteVolumes = true }));
        Assert.Equal(ManagedInstanceStatus.Active, (await fixture.Client.GetAsync(active.Id))!.Status);
    }

    [Fact]
    public async Task Create_WithAFixedPrivateIp_UsesIt_AndRejectsOneOutsideTheSubnetOrTaken()
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with { Network = new NetworkSpec { PrivateIp = "10.0.1.200" } };
        var active = await fixture.CreateActiveAsync(spec);
        Assert.Equal("10.0.1.200", active.PrivateIp);

        var outside = await Assert.ThrowsAsync<InvalidSpecException>(() =>
            fixture.Client.CreateAsync(spec with { Network = new NetworkSpec { PrivateIp = "10.0.2.200" } }));
        Assert.Contains("not an assignable address", outside.Message);
        var taken = await Assert.ThrowsAsync<InvalidSpecException>(() => fixture.Client.CreateAsync(spec));
        Assert.Contains("already used", taken.Message);
    }

    [Fact]
    public async Task DeleteDuringAPrestagedRecycle_TerminatesBothInstances_AndDeletesTheVolume()
    {
        // A long drain keeps the old instance running while the pre-staged replacement is already up.
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with
        {
            Strategy = new StrategySpec { DrainingTimeout = TimeSpan.FromHours(1) },
        };
        var active = await fixture.CreateActiveAsync(spec);
        await fixture.Client.RecycleAsync(active.Id);
        // The pre-staged recycle drains in its cutover step: the replacement runs, the old instance keeps its volumes.
        var draining = await WaitAsync(active.Id, v => v.CurrentStep == "DetachVolumes" || v.Status != ManagedInstanceStatus.Recycling);
        Assert.True(draining.CurrentStep == "DetachVolumes", $"the recycle did not reach the drain: {draining.Status} {draining.CurrentStep} {draining.LastError}");
        Assert.Equal(2, (await fixture.LiveInstancesAsync(active.Id)).Count);

        await fixture.Client.DeleteAsync(active.Id, new DeleteOptions { ShouldDeleteVolumes = true, ShouldDeleteNetworkInterfaces = true });
        var deleted = await WaitAsync(active.Id, v => v.Status is ManagedInstanceStatus.Deleted or ManagedInstanceStatus.Error);

        Assert.True(deleted.Status == ManagedInstanceStatus.Deleted, $"delete ended in {deleted.Status}: {deleted.LastError}");
        Assert.Empty(await fixture.LiveInstancesAsync(active.Id));
        Assert.Empty((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest
        {
            Filters = [new Filter("volume-id", [active.Volumes.Single().VolumeId!])],
        })).Volumes ?? []);
    }

    [Fact]
    public async Task Create_WithAnInstanceTypeEc2DoesNotOffer_IsRejectedBeforeAnythingIsCreated()
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec() with
        {
            LaunchSpecification = InterruptionRecoveryTests.DatabaseSpec().LaunchSpecification with
            {
                InstanceTypes = new InstanceTypesSpec { Preferred = ["m5.large"], Others = ["x9.mega"] },
            },
        };
        var interfacesBefore = (await fixture.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest())).NetworkInterfaces.Count;

        var error = await Assert.ThrowsAsync<InvalidSpecException>(() => fixture.Client.CreateAsync(spec));

        Assert.Contains("'x9.mega', which EC2 does not offer in us-east-1a", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("m5.large", error.Message, StringComparison.Ordinal);
        Assert.Equal(interfacesBefore, (await fixture.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest())).NetworkInterfaces.Count);
    }

    private Task<ManagedInstanceView> WaitAsync(string id, Func<ManagedInstanceView, bool> condition) =>
        fixture.Client.WaitUntilAsync(id, condition, StatefulSpotClusterFixture.Patience);

    private async Task<Volume> VolumeAsync(string volumeId) =>
        (await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volumeId] })).Volumes.Single();

    private async Task<NetworkInterface> EniAsync(string id) =>
        (await fixture.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [id] })).NetworkInterfaces.Single();

    private sealed class SpecComparer : IEqualityComparer<ManagedInstanceSpec>
    {
        public static readonly SpecComparer Instance = new();

        public bool Equals(ManagedInstanceSpec? x, ManagedInstanceSpec? y) =>
            System.Text.Json.JsonSerializer.Serialize(x) == System.Text.Json.JsonSerializer.Serialize(y);

        public int GetHashCode(ManagedInstanceSpec obj) => 0;
    }
}
