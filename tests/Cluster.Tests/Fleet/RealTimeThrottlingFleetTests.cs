using Microsoft.Extensions.DependencyInjection;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains;
using StatefulSpot.Grains.Ec2.Gateway;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Fleet;

/// <summary>
/// The emulator's throttling buckets refill in real time, at AWS's rates, however fast its clock runs: a compressed
/// clock cannot hide a controller that drains the account's EC2 budget. The gateway's budget is AWS's own (no
/// multiplier), shared by the two silos.
/// </summary>
public sealed class RealTimeThrottlingFleetFixture : StatefulSpotClusterFixture
{
    public const double FleetTimeScale = 0.05;

    protected override EmulatorOptions CreateEmulatorOptions() => new()
    {
        TimeScale = FleetTimeScale,
        Throttling = new ThrottlingOptions { RefillOnSimulatedClock = false },
    };

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.Services.Configure<Ec2GatewayOptions>(o => o.BudgetMultiplier = 1);

        // A fleet's creates and recoveries queue for RunInstances at AWS's 2 a second: steps may wait that long.
        silo.Services.Configure<ManagedInstanceOptions>(o => o.StepTimeout = TimeSpan.FromMinutes(3));
    }
}

public sealed class RealTimeThrottlingFleetTests(RealTimeThrottlingFleetFixture fixture) : IClassFixture<RealTimeThrottlingFleetFixture>
{
    private const int Fleet = 12;
    private static readonly TimeSpan FleetPatience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task ManySimultaneousInterruptions_WithRealTimeThrottling_AllRecoverAndNoneFails()
    {
        var created = await Task.WhenAll(Enumerable.Range(0, Fleet).Select(_ => fixture.Client.CreateAsync(InterruptionRecoveryTests.DatabaseSpec())));
        var active = await Task.WhenAll(created.Select(c => fixture.Client.WaitUntilAsync(c.Id, v => v.Status != ManagedInstanceStatus.Creating, FleetPatience)));
        Assert.All(active, a => Assert.True(a.Status == ManagedInstanceStatus.Active, $"{a.Id} creation ended in {a.Status}: {a.LastError}"));

        fixture.Emulator.ResetThrottlingCounters();
        await Task.WhenAll(active.Select(a => fixture.Emulator.InterruptAsync(a.InstanceId!)));
        var recovered = await Task.WhenAll(active.Select(before => fixture.Client.WaitUntilAsync(before.Id,
            v => v.Generation > before.Generation && v.Status != ManagedInstanceStatus.Recycling, FleetPatience)));

        foreach (var (before, after) in active.Zip(recovered))
        {
            Assert.True(after.Status == ManagedInstanceStatus.Active, $"{after.Id} recovery ended in {after.Status}: {after.LastError}");
            Assert.NotEqual(before.InstanceId, after.InstanceId);
            Assert.Equal(Assert.Single(before.Volumes).VolumeId, Assert.Single(after.Volumes).VolumeId);
            Assert.Equal(before.PrivateIp, after.PrivateIp);
            Assert.Equal(OperationTrigger.SpotInterruption, after.History.Last().Trigger);
        }

        // The gateway keeps StatefulSpot inside its share of the account's budget: EC2 never had to throttle a launch.
        var throttling = fixture.Emulator.Throttling();
        Assert.Equal(0, throttling.ThrottledCalls.GetValueOrDefault("RunInstances"));
        Assert.True(throttling.Calls.GetValueOrDefault("RunInstances") >= Fleet, "every recovery launched through EC2");
    }
}
