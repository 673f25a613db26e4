using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Recovery;

/// <summary>An emulator whose instances take a (scaled) second to boot, so that launch time dominates a recovery.</summary>
public sealed class SlowBootClusterFixture : StatefulSpotClusterFixture
{
    protected override EmulatorOptions CreateEmulatorOptions() => new()
    {
        TimeScale = TimeScale,
        InstancePendingDuration = TimeSpan.FromSeconds(100),
    };
}

/// <summary>Pre-staging: where the ENI need not be freed first, the replacement boots while the old instance drains.</summary>
public sealed class PrestagingTests(SlowBootClusterFixture fixture) : IClassFixture<SlowBootClusterFixture>
{

    [Fact]
    public async Task Interruption_WithoutPersistentEni_RunsTheReplacementBeforeTheOldInstanceIsGone_AndCutsDowntime()
    {
        var prestaged = await InterruptAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false));
        var inPlace = await InterruptAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: true));

        Assert.True(prestaged.ReplacementRunningAt < prestaged.OldTerminatedAt,
            $"the replacement was running at {prestaged.ReplacementRunningAt:O}, after the old instance was terminated at {prestaged.OldTerminatedAt:O}");
        Assert.True(inPlace.ReplacementLaunchedAt >= inPlace.OldTerminatedAt, "a persistent ENI must be freed before the launch");
        Assert.True(prestaged.Downtime < inPlace.Downtime,
            $"pre-staged downtime {prestaged.Downtime} is not below the in-place downtime {inPlace.Downtime}");
    }

    [Fact]
    public async Task Recycle_WithoutPersistentEni_CutsOverAtTheDrainDeadline_TheVolumesMoveBeforeTheOldInstanceIsTerminated()
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with
        {
            Strategy = new StrategySpec { DrainingTimeout = TimeSpan.FromSeconds(2) },
        };
        var created = await fixture.Client.CreateAsync(spec);
        var active = await fixture.Client.WaitUntilAsync(created.Id, v => v.Status != ManagedInstanceStatus.Creating, StatefulSpotClusterFixture.Patience);
        Assert.True(active.Status == ManagedInstanceStatus.Active, $"create ended in {active.Status}: {active.LastError}");

        await fixture.Client.RecycleAsync(created.Id);
        var recovered = await fixture.Client.WaitUntilAsync(created.Id,
            v => v.Generation > active.Generation && v.Status != ManagedInstanceStatus.Recycling, StatefulSpotClusterFixture.Patience);

        Assert.True(recovered.Status == ManagedInstanceStatus.Active, $"recycle ended in {recovered.Status}: {recovered.LastError}");
        Assert.Equal(active.Volumes.Single().VolumeId, recovered.Volumes.Single().VolumeId);
        var record = recovered.History.Last();
        Assert.True(record.ServiceStoppedAt >= record.StartedAt + spec.Strategy.DrainingTimeout,
            $"the cutover began at {record.ServiceStoppedAt:O}, before the drain deadline ({record.StartedAt + spec.Strategy.DrainingTimeout:O})");
        Assert.True(record.ReplacementRunningAt < record.ServiceStoppedAt, "the replacement runs before the cutover");
        Assert.True(record.VolumesAttachedAt < record.OldTerminatedAt,
            $"the volume was attached at {record.VolumesAttachedAt:O}, not before the old instance was terminated at {record.OldTerminatedAt:O}");
        Assert.Equal(record.ServiceRestoredAt - record.ServiceStoppedAt, record.AppDowntime);

        var old = (await fixture.Ec2.DescribeInstancesAsync(new Amazon.EC2.Model.DescribeInstancesRequest { InstanceIds = [active.InstanceId!] }))
            .Reservations.SelectMany(r => r.Instances).Single();
        Assert.Equal("terminated", old.State.Name.Value);
    }

    private async Task<OperationRecord> InterruptAsync(ManagedInstanceSpec spec)
    {
        var created = await fixture.Client.CreateAsync(spec);
        var active = await fixture.Client.WaitUntilAsync(created.Id, v => v.Status != ManagedInstanceStatus.Creating, StatefulSpotClusterFixture.Patience);
        Assert.True(active.Status == ManagedInstanceStatus.Active, $"create ended in {active.Status}: {active.LastError}");

        await fixture.Emulator.InterruptAsync(active.InstanceId!);
        var recovered = await fixture.Client.WaitUntilAsync(created.Id,
            v => v.Generation > active.Generation && v.Status != ManagedInstanceStatus.Recycling, StatefulSpotClusterFixture.Patience);

        Assert.True(recovered.Status == ManagedInstanceStatus.Active, $"recovery ended in {recovered.Status}: {recovered.LastError}");
        Assert.Equal(active.Volumes.Single().VolumeId, recovered.Volumes.Single().VolumeId);
        return recovered.History.Last();
    }
}
