using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.Reconciliation;
using StatefulSpot.Unit.Tests.ManagedInstances;

namespace StatefulSpot.Unit.Tests.Reconciliation;

public sealed class ObservationFilterTests
{
    private static readonly ManagedInstanceView Settled = new()
    {
        Id = "smi-0123abcd",
        Spec = Specs.Database(),
        Status = ManagedInstanceStatus.Active,
        Generation = 3,
        InstanceId = "i-0123456789abcdef0",
        Market = "spot",
        Volumes = [new VolumeView { DeviceName = "/dev/sdf", VolumeId = "vol-0123456789abcdef0" }],
    };

    private static Instance Running(params string[] volumeIds) => new()
    {
        InstanceId = Settled.InstanceId,
        State = new InstanceState { Name = InstanceStateName.Running },
        BlockDeviceMappings = [.. volumeIds.Select(id => new InstanceBlockDeviceMapping { DeviceName = "/dev/sdf", Ebs = new EbsInstanceBlockDevice { VolumeId = id } })],
    };

    [Fact]
    public void ARunningInstanceWithEveryVolumeAttached_OnSpot_NeedsNoOne() =>
        Assert.False(ObservationFilter.MayNeedAction(SettledInstance.Of(Settled)!, ObservedInstance.Of(Running("vol-0123456789abcdef0"))));

    [Fact]
    public void AnInstanceNotListedOrNotRunning_IsWorthAsking()
    {
        Assert.True(ObservationFilter.MayNeedAction(SettledInstance.Of(Settled)!, null));
        var shuttingDown = Running("vol-0123456789abcdef0");
        shuttingDown.State = new InstanceState { Name = InstanceStateName.ShuttingDown };
        Assert.True(ObservationFilter.MayNeedAction(SettledInstance.Of(Settled)!, ObservedInstance.Of(shuttingDown)));
    }

    [Fact]
    public void AVolumeNotAttached_IsWorthAsking() =>
        Assert.True(ObservationFilter.MayNeedAction(SettledInstance.Of(Settled)!, ObservedInstance.Of(Running())));

    [Fact]
    public void OnDemandWithAStrategyThatRevertsToSpot_IsWorthAsking_ButNotWithNever()
    {
        var onDemand = Settled with { Market = "on-demand" };
        var reverting = onDemand with { Spec = onDemand.Spec with { Strategy = onDemand.Spec.Strategy with { RevertToSpot = RevertToSpot.Always } } };

        Assert.True(ObservationFilter.MayNeedAction(SettledInstance.Of(reverting)!, ObservedInstance.Of(Running("vol-0123456789abcdef0"))));
        Assert.False(ObservationFilter.MayNeedAction(SettledInstance.Of(onDemand)!, ObservedInstance.Of(Running("vol-0123456789abcdef0"))));
    }

    [Fact]
    public void OnlyAnActiveManagedInstanceOnAnInstance_IsKept_AndOnlyWhatTheLoopCompares()
    {
        Assert.Null(SettledInstance.Of(Settled with { Status = ManagedInstanceStatus.Paused }));
        Assert.Null(SettledInstance.Of(Settled with { InstanceId = null }));
        var kept = SettledInstance.Of(Settled)!;
        Assert.Equal("i-0123456789abcdef0", kept.InstanceId);
        Assert.Equal(["vol-0123456789abcdef0"], kept.VolumeIds);
        Assert.False(kept.MayRevertToSpot);
    }
}

public sealed class UnrecordedInstancesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-02T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    private static ObservedInstance Tagged(string owner, TimeSpan age, string state = "running", string? cluster = "ours") =>
        new(state, [], owner, Now - age, cluster);

    [Fact]
    public void OnlyOldEnoughInstancesNoSettledManagedInstanceNames_AreCandidates_WithWhetherTheOwnerIsRegistered()
    {
        var instances = new Dictionary<string, ObservedInstance>
        {
            ["i-recorded"] = Tagged("smi-a", TimeSpan.FromHours(1)),
            ["i-leftover"] = Tagged("smi-a", TimeSpan.FromMinutes(11)),
            ["i-young"] = Tagged("smi-a", TimeSpan.FromMinutes(2)),
            ["i-ownerless"] = Tagged("smi-gone", TimeSpan.FromHours(2)),
            ["i-ending"] = Tagged("smi-gone", TimeSpan.FromHours(2), "shutting-down"),
            ["i-other-cluster"] = Tagged("smi-gone", TimeSpan.FromHours(2), cluster: "staging"),
            ["i-older-build"] = Tagged("smi-gone", TimeSpan.FromHours(2), cluster: null),
        };

        var candidates = UnrecordedInstances.Candidates(instances, new HashSet<string> { "i-recorded" }, new HashSet<string> { "smi-a" }, Now, Grace, "ours");

        Assert.Equal([("i-leftover", "smi-a", true), ("i-ownerless", "smi-gone", false)], candidates.OrderBy(c => c.InstanceId));
    }

    [Fact]
    public void TheGrace_MustNotBeNegative()
    {
        Assert.Empty(new ReconcilerOptions().Validate());
        Assert.Contains(new ReconcilerOptions { UnrecordedGrace = TimeSpan.FromSeconds(-1) }.Validate(), p => p.Contains("UnrecordedGrace", StringComparison.Ordinal));
        Assert.Contains(new ReconcilerOptions { ArtifactSweepInterval = TimeSpan.FromSeconds(-1) }.Validate(), p => p.Contains("ArtifactSweepInterval", StringComparison.Ordinal));
        Assert.Empty(new ReconcilerOptions { ArtifactSweepInterval = TimeSpan.Zero }.Validate());
    }
}
