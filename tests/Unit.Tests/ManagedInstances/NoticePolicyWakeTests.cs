using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

/// <summary>State changes of the instances a running operation waits on wake its step; the current instance going away is still an interruption.</summary>
public sealed class NoticePolicyWakeTests
{
    private const string OldInstance = "i-0000000000000000a";
    private const string NewInstance = "i-0000000000000000b";
    private const string StrayInstance = "i-0000000000000000c";

    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A recycle that has launched its replacement (now the current instance) and waits for the old one to go.</summary>
    private static readonly ManagedInstanceState Recycling = new()
    {
        Spec = Specs.Database(),
        Status = ManagedInstanceStatus.Recycling,
        Generation = 2,
        InstanceId = NewInstance,
        Operation = new SagaCursor
        {
            Kind = OperationKind.Recycle,
            Trigger = OperationTrigger.SpotInterruption,
            Step = SagaStep.WaitRunning,
            StartedAt = Now.AddMinutes(-1),
            StepStartedAt = Now.AddSeconds(-30),
            OldInstanceId = OldInstance,
            NewInstanceId = NewInstance,
            AlsoTerminate = [StrayInstance],
        },
    };

    private static Ec2Event StateChange(string instanceId, string state, string id = "evt-9") =>
        new() { EventId = id, Kind = Ec2EventKind.InstanceStateChange, InstanceId = instanceId, Time = Now.AddSeconds(-2), Detail = state };

    [Theory]
    [InlineData("shutting-down")]
    [InlineData("terminated")]
    [InlineData("stopped")]
    public void Decide_OldInstanceOfTheRunningRecycleChangesState_WakesTheStep(string state)
    {
        var decision = NoticePolicy.Decide(StateChange(OldInstance, state), Recycling, Now);

        Assert.Equal(NoticeAction.Wake, decision.Action);
        Assert.Contains(OldInstance, decision.Reason);
    }

    [Theory]
    [InlineData("shutting-down")]
    [InlineData("terminated")]
    public void Decide_InstanceLeftBySupersededOperationChangesState_WakesTheStep(string state) =>
        Assert.Equal(NoticeAction.Wake, NoticePolicy.Decide(StateChange(StrayInstance, state), Recycling, Now).Action);

    [Theory]
    [InlineData("pending")]
    [InlineData("running")]
    public void Decide_NewInstanceStarting_WakesTheStepWaitingForIt(string state)
    {
        var decision = NoticePolicy.Decide(StateChange(NewInstance, state), Recycling, Now);

        Assert.Equal(NoticeAction.Wake, decision.Action);
        Assert.Equal(OperationTrigger.User, decision.Trigger);
        Assert.Null(decision.DrainDeadline);
    }

    [Theory]
    [InlineData("shutting-down")]
    [InlineData("stopping")]
    [InlineData("terminated")]
    public void Decide_NewInstanceOfTheRunningRecycleGoesAway_IsANewInterruption(string state)
    {
        var decision = NoticePolicy.Decide(StateChange(NewInstance, state), Recycling, Now);

        Assert.Equal(NoticeAction.Recycle, decision.Action);
        Assert.Equal(OperationTrigger.InstanceStateChange, decision.Trigger);
        Assert.Equal(Now, decision.DrainDeadline);
    }

    [Fact]
    public void Decide_SpotWarningForTheInstanceBeingRecycled_IsIgnored()
    {
        var state = Recycling with { InstanceId = OldInstance, Operation = Recycling.Operation! with { NewInstanceId = null } };
        var warning = StateChange(OldInstance, "terminate") with { Kind = Ec2EventKind.SpotInterruptionWarning };

        var decision = NoticePolicy.Decide(warning, state, Now);

        Assert.Equal(NoticeAction.Ignore, decision.Action);
        Assert.Contains("already under way", decision.Reason);
    }

    [Fact]
    public void Decide_StateChangeOfAnInstanceTheOperationDoesNotWaitOn_IsIgnored() =>
        Assert.Equal(NoticeAction.Ignore, NoticePolicy.Decide(StateChange("i-0000000000000000d", "running"), Recycling, Now).Action);

    [Fact]
    public void Decide_DuplicateStateChangeOfAWaitedInstance_IsIgnored()
    {
        var state = Recycling with { RecentNoticeIds = ["evt-9"] };

        Assert.Equal(NoticeAction.Ignore, NoticePolicy.Decide(StateChange(OldInstance, "terminated"), state, Now).Action);
    }

    [Fact]
    public void Decide_StateChangeWithNoOperationRunning_NeverWakes()
    {
        var active = Recycling with { Status = ManagedInstanceStatus.Active, Operation = null };

        Assert.Equal(NoticeAction.Ignore, NoticePolicy.Decide(StateChange(NewInstance, "running"), active, Now).Action);
        Assert.Equal(NoticeAction.Ignore, NoticePolicy.Decide(StateChange(OldInstance, "terminated"), active, Now).Action);
    }
}
