using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Placement;

/// <summary>Capacity outages: the preferred type has none, then no Spot pool has any, then Spot comes back.</summary>
public sealed class CapacityFallbackTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{
    [Fact]
    public async Task Outage_FallsBackToTheOtherType_ThenToOnDemand_ThenRevertsToSpot()
    {
        var zone = DefaultWorld.ZoneA;
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with
        {
            Strategy = new StrategySpec { FallbackToOnDemand = true, RevertToSpot = RevertToSpot.Always },
        };
        spec = spec with
        {
            LaunchSpecification = spec.LaunchSpecification with
            {
                InstanceTypes = new InstanceTypesSpec { Preferred = ["m5.large"], Others = ["m5.xlarge"] },
            },
        };

        // The preferred type has no Spot capacity: the other type on Spot.
        await fixture.Emulator.SetCapacityAsync("m5.large", zone, "spot", 0);
        var first = await fixture.CreateActiveAsync(spec);
        Assert.Equal(("m5.xlarge", "spot"), (first.InstanceType, first.Market));

        // That pool is withdrawn too (its instance is warned): nothing on Spot, so on-demand.
        await fixture.Emulator.SetCapacityAsync("m5.xlarge", zone, "spot", 0);
        var fallback = await fixture.WaitForNextGenerationAsync(first);
        Assert.Equal(ManagedInstanceStatus.Active, fallback.Status);
        Assert.Equal("on-demand", fallback.Market);
        Assert.Equal(first.Volumes.Single().VolumeId, fallback.Volumes.Single().VolumeId);

        // Spot is back and the failed pools are no longer avoided: the reconciliation pass reverts to Spot.
        await fixture.Emulator.SetCapacityAsync("m5.large", zone, "spot", null);
        await Task.Delay(StatefulSpotClusterFixture.CapacityPoolAvoidance + TimeSpan.FromMilliseconds(200));
        var report = await fixture.Cluster.Client.GetGrain<IReconcilerGrain>(IReconcilerGrain.Key).ReconcileOnceAsync();
        Assert.Contains(first.Id, report.Corrected);
        var reverted = await fixture.WaitForNextGenerationAsync(fallback);

        Assert.Equal(ManagedInstanceStatus.Active, reverted.Status);
        Assert.Equal(("m5.large", "spot"), (reverted.InstanceType, reverted.Market));
        Assert.Equal(OperationTrigger.RevertToSpot, reverted.History.Last().Trigger);
        Assert.Equal(first.Volumes.Single().VolumeId, reverted.Volumes.Single().VolumeId);
        Assert.Single(await fixture.LiveInstancesAsync(first.Id));
    }

    [Fact]
    public async Task NoCapacityAnywhereWithoutFallback_RetriesThenEndsInErrorNamingTheStepAndTheEc2Error()
    {
        var zone = DefaultWorld.ZoneC;
        await fixture.Emulator.SetCapacityAsync("c5.large", zone, "spot", 0);
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with
        {
            SubnetIds = [DefaultWorld.SubnetC],
            Strategy = new StrategySpec { FallbackToOnDemand = false },
        };
        spec = spec with { LaunchSpecification = spec.LaunchSpecification with { InstanceTypes = InstanceTypesSpec.Of("c5.large") } };

        var created = await fixture.Client.CreateAsync(spec);
        var failed = await fixture.Client.WaitUntilAsync(created.Id, v => v.Status != ManagedInstanceStatus.Creating, TimeSpan.FromSeconds(90));

        Assert.Equal(ManagedInstanceStatus.Error, failed.Status);
        Assert.Contains("Launch", failed.LastError);
        Assert.Contains("InsufficientInstanceCapacity", failed.LastError);
        Assert.Empty(await fixture.LiveInstancesAsync(created.Id));

        // A managed instance in Error can still be deleted, and takes the volume it had created with it.
        await fixture.Client.DeleteAsync(created.Id, new DeleteOptions { ShouldDeleteVolumes = true, ShouldDeleteNetworkInterfaces = true });
        var deleted = await fixture.Client.WaitUntilAsync(created.Id, v => v.Status is ManagedInstanceStatus.Deleted or ManagedInstanceStatus.Error,
            StatefulSpotClusterFixture.Patience);
        Assert.True(deleted.Status == ManagedInstanceStatus.Deleted, $"delete ended in {deleted.Status}: {deleted.LastError}");
        var volumeId = failed.Volumes.Single().VolumeId!;
        Assert.Empty((await fixture.Ec2.DescribeVolumesAsync(new Amazon.EC2.Model.DescribeVolumesRequest
        {
            Filters = [new Amazon.EC2.Model.Filter("volume-id", [volumeId])],
        })).Volumes ?? []);
    }
}
