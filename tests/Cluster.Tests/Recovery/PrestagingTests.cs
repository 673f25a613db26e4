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
