using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

public sealed class NoticePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static readonly ManagedInstanceState Active = new()
    {
        Spec = Specs.Database(),
        Status = ManagedInstanceStatus.Active,
        Generation = 1,
        InstanceId = "i-0000000000000000a",
    };

    private static Ec2Event Notice(Ec2EventKind kind, string instanceId = "i-0000000000000000a", string? detail = "terminate", string id = "evt-1") =>
        new() { EventId = id, Kind = kind, InstanceId = instanceId, Time = Now.AddSeconds(-5), Detail = detail };

    [Fact]
    public void Decide_SpotWarningForCurrentInstance_RecyclesWithDeadlineTwoMinutesAndTheTakeoverGraceAfterTheNotice()
    {
        var decision = NoticePolicy.Decide(Notice(Ec2EventKind.SpotInterruptionWarning), Active, Now);

        Assert.Equal(NoticeAction.Recycle, decision.Action);
        Assert.Equal(OperationTrigger.SpotInterruption, decision.Trigger);
        // EC2 takes the instance at two minutes; the saga steps in only if EC2 has not begun 5 s later.
        Assert.Equal(Now.AddSeconds(-5) + TimeSpan.FromMinutes(2) + NoticePolicy.TakeoverGrace, decision.DrainDeadline);
    }

    [Fact]
    public void Decide_DrainingTimeoutShorterThanTwoMinutes_BringsTheDeadlineForward()
    {
        var state = Active with { Spec = Active.Spec! with { Strategy = new StrategySpec { DrainingTimeout = TimeSpan.FromSeconds(30) } } };

        var decision = NoticePolicy.Decide(Notice(Ec2EventKind.SpotInterruptionWarning), state, Now);

        Assert.Equal(Now.AddSeconds(25), decision.DrainDeadline);
    }

    [Fact]
    public void Decide_DuplicateNoticeId_IsIgnored()
    {
        var state = Active with { RecentNoticeIds = ["evt-1"] };

        Assert.Equal(NoticeAction.Ignore, NoticePolicy.Decide(Notice(Ec2EventKind.SpotInterruptionWarning), state, Now).Action);
    }

    [Fact]
    public void Decide_NoticeForAReplacedInstance_IsIgnored()
    {
        var decision = NoticePolicy.Decide(Notice(Ec2EventKind.SpotInterruptionWarning, instanceId: "i-0ld"), Active, Now);

        Assert.Equal(NoticeAction.Ignore, decision.Action);
        Assert.Contains("already replaced", decision.Reason);
    }

    [Fact]
    public void Decide_StateChangeWhileRecoveringThatInstance_WakesTheWaitingStepRatherThanRecyclingAgain()
    {
        var state = Active with
        {
            Status = ManagedInstanceStatus.Recycling,
            Operation = new SagaCursor
            {
                Kind = OperationKind.Recycle, Trigger = OperationTrigger.SpotInterruption, Step = SagaStep.WaitOldTerminated,
                StartedAt = Now, StepStartedAt = Now, OldInstanceId = "i-0000000000000000a",
            },
        };

        var decision = NoticePolicy.Decide(Notice(Ec2EventKind.InstanceStateChange, detail: "shutting-down", id: "evt-2"), state, Now);

        Assert.Equal(NoticeAction.Wake, decision.Action);
    }

    [Theory]
    [InlineData("stopping", NoticeAction.Recycle)]
    [InlineData("stopped", NoticeAction.Recycle)]
    [InlineData("shutting-down", NoticeAction.Recycle)]
    [InlineData("terminated", NoticeAction.Recycle)]
    [InlineData("pending", NoticeAction.Ignore)]
    [InlineData("running", NoticeAction.Ignore)]
    public void Decide_StateChangeWithoutWarning_RecoversOnlyFromGoneStates(string state, NoticeAction expected)
    {
        var decision = NoticePolicy.Decide(Notice(Ec2EventKind.InstanceStateChange, detail: state), Active, Now);

        Assert.Equal(expected, decision.Action);
        Assert.Equal(expected == NoticeAction.Recycle, NoticePolicy.IsActionable(Notice(Ec2EventKind.InstanceStateChange, detail: state)));
    }

    [Fact]
    public void Decide_UnknownManagedInstance_IsIgnored() =>
        Assert.Equal(NoticeAction.Ignore, NoticePolicy.Decide(Notice(Ec2EventKind.SpotInterruptionWarning), new ManagedInstanceState(), Now).Action);

    [Fact]
    public void Decide_RebalanceRecommendation_IsIgnoredByDefault()
    {
        Assert.Equal(NoticeAction.Ignore, NoticePolicy.Decide(Notice(Ec2EventKind.RebalanceRecommendation, detail: null), Active, Now).Action);
        Assert.True(NoticePolicy.IsActionable(Notice(Ec2EventKind.RebalanceRecommendation, detail: null)));
    }

    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "Wed:11:00-Wed:13:00" }, true)]
    [InlineData(new[] { "Sat:02:00-Sat:04:00" }, false)]
    public void Decide_RebalanceRecommendation_RecyclesWhenAskedToInsideTheWindows(string[] windows, bool recycles)
    {
        var state = Active with
        {
            Spec = Active.Spec! with { Strategy = new StrategySpec { OnRebalanceRecommendation = RebalanceAction.Recycle, OptimizationWindows = windows } },
        };

        var decision = NoticePolicy.Decide(Notice(Ec2EventKind.RebalanceRecommendation, detail: null), state, Now);

        Assert.Equal(recycles ? NoticeAction.Recycle : NoticeAction.Ignore, decision.Action);
        if (recycles)
        {
            Assert.Equal(OperationTrigger.RebalanceRecommendation, decision.Trigger);
        }
    }
}
