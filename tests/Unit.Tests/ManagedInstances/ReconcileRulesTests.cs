using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

public sealed class ReconcileRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ManagedInstanceState Active = new()
    {
        Spec = Specs.Database(),
        Status = ManagedInstanceStatus.Active,
        InstanceId = "i-live",
        AvailabilityZone = "us-east-1a",
        Market = "spot",
    };

    /// <summary>What the volume grains of <see cref="Active"/> hold.</summary>
    private static readonly IReadOnlyList<VolumeView> Held = [new VolumeView { DeviceName = "/dev/sdf", VolumeId = "vol-1" }];

    private static InstanceObservation Seen(string? state, params string[] attached) =>
        new() { InstanceId = "i-live", State = state, AttachedVolumeIds = attached, ObservedAt = Now };

    [Theory]
    [InlineData(null, "no longer listed", "reconcile-i-live-vanished", "terminated")]
    [InlineData("stopped", "stopped", "reconcile-i-live-stopped", "stopped")]
    [InlineData("shutting-down", "shutting-down", "reconcile-i-live-shutting-down", "shutting-down")]
    public void AnInstanceThatDiedWithoutANotice_IsRecovered(string? state, string drift, string eventId, string detail)
    {
        var action = ReconcileRules.Decide(Seen(state), Active, Held, Now);

        Assert.Equal(ReconcileActionKind.Recover, action.Kind);
        Assert.Equal(drift, action.Drift);
        Assert.Equal((eventId, Ec2EventKind.InstanceStateChange, "i-live", detail, Now),
            (action.Notice!.EventId, action.Notice.Kind, action.Notice.InstanceId, action.Notice.Detail, action.Notice.Time));
    }

    [Fact]
    public void ARunningInstanceMissingAVolume_IsRepaired()
    {
        var action = ReconcileRules.Decide(Seen("running"), Active, Held, Now);

        Assert.Equal(ReconcileActionKind.Repair, action.Kind);
        Assert.Contains("vol-1", action.Drift, StringComparison.Ordinal);
    }

    [Fact]
    public void AVolumeNoGrainHolds_IsNotMissed()
    {
        // The state keeps no copy of the volumes: only what the grains answer counts.
        Assert.Equal(ReconcileActionKind.None, ReconcileRules.Decide(Seen("running"), Active, [], Now).Kind);
    }

    [Fact]
    public void AHealthyInstance_NeedsNothing()
    {
        Assert.Equal(ReconcileActionKind.None, ReconcileRules.Decide(Seen("running", "vol-1"), Active, Held, Now).Kind);
        Assert.Equal(ReconcileActionKind.None, ReconcileRules.Decide(Seen("pending"), Active, Held, Now).Kind);
    }

    [Fact]
    public void AnOnDemandFallback_GoesBackToSpot_WhenItsStrategyAllows()
    {
        var onDemand = Active with
        {
            Market = "on-demand",
            Spec = Active.Spec! with { Strategy = new StrategySpec { RevertToSpot = RevertToSpot.Always } },
        };

        Assert.Equal(ReconcileActionKind.RevertToSpot, ReconcileRules.Decide(Seen("running", "vol-1"), onDemand, Held, Now).Kind);
        Assert.Equal(ReconcileActionKind.Repair, ReconcileRules.Decide(Seen("running"), onDemand, Held, Now).Kind);
    }

    [Fact]
    public void AnUnsettledManagedInstance_OrAStaleObservation_IsLeftAlone()
    {
        Assert.Equal(ReconcileActionKind.None, ReconcileRules.Decide(Seen(null), Active with { Status = ManagedInstanceStatus.Recycling }, Held, Now).Kind);
        Assert.Equal(ReconcileActionKind.None, ReconcileRules.Decide(Seen(null) with { InstanceId = "i-other" }, Active, Held, Now).Kind);
        var finishedLater = Active with
        {
            History = [new OperationRecord { Kind = OperationKind.Recycle, Trigger = OperationTrigger.User, Generation = 2, StartedAt = Now, FinishedAt = Now.AddSeconds(1) }],
        };
        Assert.Equal(ReconcileActionKind.None, ReconcileRules.Decide(Seen(null), finishedLater, Held, Now).Kind);
    }

    [Fact]
    public void TheDrainDeadline_IsNowPlusTheDrainingTimeout()
    {
        var spec = Specs.Database() with { Strategy = new StrategySpec { DrainingTimeout = TimeSpan.FromSeconds(90) } };

        Assert.Equal(Now.AddSeconds(90), Draining.Deadline(spec, Now));
        Assert.Equal(Now, Draining.Deadline(Specs.Database(), Now));
        Assert.Equal(7, new ManagedInstanceState { Generation = 6 }.NextGeneration().Generation);
    }
}
