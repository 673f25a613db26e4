using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

public sealed class StatusRulesTests
{
    [Theory]
    [InlineData(ManagedInstanceStatus.Active, "pause", true)]
    [InlineData(ManagedInstanceStatus.Paused, "pause", false)]
    [InlineData(ManagedInstanceStatus.Creating, "pause", false)]
    [InlineData(ManagedInstanceStatus.Paused, "resume", true)]
    [InlineData(ManagedInstanceStatus.Active, "resume", false)]
    [InlineData(ManagedInstanceStatus.Error, "recycle", true)]
    [InlineData(ManagedInstanceStatus.Recycling, "recycle", false)]
    [InlineData(ManagedInstanceStatus.Creating, "delete", true)]
    [InlineData(ManagedInstanceStatus.Deleting, "delete", false)]
    [InlineData(ManagedInstanceStatus.Paused, "update", true)]
    [InlineData(ManagedInstanceStatus.Recycling, "update", false)]
    [InlineData(ManagedInstanceStatus.Active, "fly", false)]
    public void Allows_FollowsTheStatusMachine(ManagedInstanceStatus status, string operation, bool allowed) =>
        Assert.Equal(allowed, StatusRules.Allows(status, operation));

    [Fact]
    public void Operations_EndInTheirStatus()
    {
        Assert.Equal(ManagedInstanceStatus.Paused, StatusRules.Finished(OperationKind.Pause));
        Assert.Equal(ManagedInstanceStatus.Deleted, StatusRules.Finished(OperationKind.Delete));
        Assert.Equal(ManagedInstanceStatus.Active, StatusRules.Finished(OperationKind.Resume));
        Assert.Equal(ManagedInstanceStatus.Resuming, StatusRules.Running(OperationKind.Resume));
    }
}

public sealed class PlacementRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static ManagedInstanceSpec Spec(LifeCycle lifeCycle = LifeCycle.Spot, bool fallback = true) => Specs.Database() with
    {
        LaunchSpecification = Specs.Database().LaunchSpecification with
        {
            InstanceTypes = new InstanceTypesSpec { Preferred = ["m5.large", "m5.xlarge"], Others = ["r5.large"] },
        },
        Strategy = new StrategySpec { LifeCycle = lifeCycle, FallbackToOnDemand = fallback },
    };

    [Fact]
    public void Candidates_PreferredSpotThenOtherSpotThenOnDemand()
    {
        var candidates = PlacementRules.Candidates(Spec(), "us-east-1a", [], Now);

        Assert.Equal(
            ["m5.large/spot", "m5.xlarge/spot", "r5.large/spot", "m5.large/on-demand", "m5.xlarge/on-demand", "r5.large/on-demand"],
            candidates.Select(c => $"{c.InstanceType}/{c.Market}"));
    }

    [Fact]
    public void Candidates_WithoutFallback_AreSpotOnly() =>
        Assert.All(PlacementRules.Candidates(Spec(fallback: false), "us-east-1a", [], Now), c => Assert.True(c.Spot));

    [Fact]
    public void Candidates_OnDemandLifeCycle_AreOnDemandOnly() =>
        Assert.All(PlacementRules.Candidates(Spec(LifeCycle.OnDemand), "us-east-1a", [], Now), c => Assert.False(c.Spot));

    [Fact]
    public void Candidates_RecentlyFailedPoolGoesLast_ExpiredAvoidanceIsForgotten()
    {
        var avoided = PlacementRules.Avoid([], "m5.large/us-east-1a/spot", Now);

        Assert.Equal("m5.xlarge", PlacementRules.Candidates(Spec(), "us-east-1a", avoided, Now.AddMinutes(1))[0].InstanceType);
        Assert.Equal("m5.large/spot", $"{PlacementRules.Candidates(Spec(), "us-east-1a", avoided, Now.AddMinutes(1)).Last().InstanceType}/spot");
        Assert.Equal("m5.large", PlacementRules.Candidates(Spec(), "us-east-1a", avoided, Now + PlacementRules.AvoidFor)[0].InstanceType);
        Assert.Equal("m5.large", PlacementRules.Candidates(Spec(), "us-east-1b", avoided, Now)[0].InstanceType);
    }

    [Fact]
    public void Avoid_ExtendsAnExistingEntryInsteadOfDuplicatingIt()
    {
        var once = PlacementRules.Avoid([], "m5.large/us-east-1a/spot", Now);
        var twice = PlacementRules.Avoid(once, "m5.large/us-east-1a/spot", Now.AddMinutes(1));

        var entry = Assert.Single(twice);
        Assert.Equal(Now.AddMinutes(1) + PlacementRules.AvoidFor, entry.Until);
    }
}

public sealed class OptimizationWindowTests
{
    [Theory]
    [InlineData("Sat:02:00-Sat:04:00", "2026-11-28T03:00:00Z", true)]
    [InlineData("Sat:02:00-Sat:04:00", "2026-11-28T04:00:00Z", false)]
    [InlineData("Sat:22:00-Sun:02:00", "2026-11-29T01:30:00Z", true)]
    [InlineData("Sun:23:00-Mon:01:00", "2026-11-30T00:30:00Z", true)]
    [InlineData("Sat:23:00-Sun:01:00", "2026-11-25T00:30:00Z", false)]
    public void Contains_ComparesInUtcAndWrapsTheWeek(string text, string moment, bool expected)
    {
        Assert.True(OptimizationWindow.TryParse(text, out var window));
        Assert.Equal(expected, window.Contains(DateTimeOffset.Parse(moment, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("Sat:2:00-Sat:04:00")]
    [InlineData("Sat:02:00")]
    [InlineData("Xyz:02:00-Sat:04:00")]
    [InlineData("Sat:24:00-Sat:04:00")]
    [InlineData("Sat:02:00-Sat:02:00")]
    [InlineData("")]
    public void IsValid_RejectsMalformedWindows(string text) => Assert.False(OptimizationWindow.IsValid(text));
}

public sealed class UpdateRulesTests
{
    [Fact]
    public void Check_NewInstanceTypesAndTags_AreAllowed()
    {
        var current = Specs.Database();
        var next = current with
        {
            LaunchSpecification = current.LaunchSpecification with
            {
                InstanceTypes = InstanceTypesSpec.Of("r5.large"),
                Tags = new Dictionary<string, string> { ["team"] = "core" },
            },
        };

        Assert.Empty(UpdateRules.Check(current, next));
    }

    [Fact]
    public void Check_AddingAVolume_IsAllowed_RemovingOrResizingOne_IsNot()
    {
        var current = Specs.Database();
        var added = current with
        {
            LaunchSpecification = current.LaunchSpecification with
            {
                BlockDeviceMappings = [.. current.LaunchSpecification.BlockDeviceMappings, new BlockDeviceMappingSpec { DeviceName = "/dev/sdg", VolumeSizeGiB = 10 }],
            },
        };
        var removed = current with { LaunchSpecification = current.LaunchSpecification with { BlockDeviceMappings = [] } };
        var resized = current with
        {
            LaunchSpecification = current.LaunchSpecification with { BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 500 }] },
        };

        Assert.Empty(UpdateRules.Check(current, added));
        Assert.Contains(UpdateRules.Check(current, removed), p => p.Contains("'/dev/sdf'", StringComparison.Ordinal));
        Assert.Contains(UpdateRules.Check(current, resized), p => p.Contains("size and type", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_PersistenceOrPrivateIpChange_IsRejected()
    {
        var current = Specs.Database();

        Assert.NotEmpty(UpdateRules.Check(current, current with { Persistence = new PersistenceSpec { PersistPrivateIp = false } }));
        Assert.NotEmpty(UpdateRules.Check(current, current with { Network = new NetworkSpec { PrivateIp = "10.0.1.50" } }));
    }
}

public sealed class RevertPolicyTests
{
    private static readonly DateTimeOffset Wednesday = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static ManagedInstanceState OnDemandFallback(RevertToSpot revert, params string[] windows) => new()
    {
        Spec = Specs.Database() with { Strategy = new StrategySpec { RevertToSpot = revert, OptimizationWindows = windows } },
        Status = ManagedInstanceStatus.Active,
        InstanceId = "i-0000000000000000a",
        AvailabilityZone = "us-east-1a",
        InstanceType = "m5.large",
        Market = "on-demand",
    };

    [Fact]
    public void ShouldRevert_Always_WhenNoPreferredSpotPoolFailedRecently()
    {
        Assert.True(RevertPolicy.ShouldRevert(OnDemandFallback(RevertToSpot.Always), Wednesday));

        var failed = OnDemandFallback(RevertToSpot.Always) with
        {
            AvoidedPools = PlacementRules.Avoid([], "m5.large/us-east-1a/spot", Wednesday.AddMinutes(-1)),
        };
        Assert.False(RevertPolicy.ShouldRevert(failed, Wednesday));
        Assert.True(RevertPolicy.ShouldRevert(failed, Wednesday + PlacementRules.AvoidFor));
    }

    [Fact]
    public void ShouldRevert_Never_OrOutsideTheWindow_OrAlreadySpot_IsFalse()
    {
        Assert.False(RevertPolicy.ShouldRevert(OnDemandFallback(RevertToSpot.Never), Wednesday));
        Assert.False(RevertPolicy.ShouldRevert(OnDemandFallback(RevertToSpot.TimeWindow, "Sat:02:00-Sat:04:00"), Wednesday));
        Assert.True(RevertPolicy.ShouldRevert(OnDemandFallback(RevertToSpot.TimeWindow, "Wed:11:00-Wed:13:00"), Wednesday));
        Assert.False(RevertPolicy.ShouldRevert(OnDemandFallback(RevertToSpot.Always) with { Market = "spot" }, Wednesday));
    }
}
