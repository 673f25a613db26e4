using StatefulSpot.Grains.Ec2.Gateway;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

public sealed class WaitRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Fallback = TimeSpan.FromSeconds(60);

    private static SagaCursor Operation(OperationKind kind = OperationKind.Recycle, SagaStep step = SagaStep.WaitOldTerminated) => new()
    {
        Kind = kind,
        Trigger = OperationTrigger.SpotInterruption,
        Step = step,
        StartedAt = Now,
        StepStartedAt = Now,
    };

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(1000, 30)]
    public void Backoff_DoublesFromTheBase_UpToTheCap(int attempts, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), WaitRules.Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), attempts));

    [Fact]
    public void Jittered_StaysWithinAQuarterOfTheInterval()
    {
        var interval = TimeSpan.FromSeconds(60);
        var random = new Random(42);
        var samples = Enumerable.Range(0, 1000).Select(_ => random.NextDouble()).Append(0).Append(0.9999);

        foreach (var sample in samples)
        {
            var jittered = WaitRules.Jittered(interval, sample);
            Assert.InRange(jittered, TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(75));
            Assert.True(jittered < TimeSpan.FromSeconds(75), $"{jittered} for {sample} reaches 1.25 x the interval");
        }

        Assert.Equal(TimeSpan.FromSeconds(45), WaitRules.Jittered(interval, 0));
        Assert.Equal(TimeSpan.FromSeconds(60), WaitRules.Jittered(interval, 0.5));
    }

    [Fact]
    public void NextLook_TheOldInstanceDrainingUntilItsDeadline_IsLookedAtOnlyAtTheDeadline()
    {
        var draining = Operation() with { DrainDeadline = Now.AddSeconds(100) };

        Assert.Equal(TimeSpan.FromSeconds(100), WaitRules.NextLook(draining, WaitKind.DrainDeadline, Now, Poll, Fallback));
        Assert.Equal(Fallback, WaitRules.NextLook(draining with { TerminateRequested = true }, WaitKind.DrainDeadline, Now, Poll, Fallback));
    }

    [Fact]
    public void NextLook_WaitingOnAnEvent_UsesTheSlowFallback()
    {
        Assert.Equal(Fallback, WaitRules.NextLook(Operation(), WaitKind.InstanceState, Now, Poll, Fallback));
        Assert.Equal(Poll, WaitRules.NextLook(Operation(), WaitKind.Poll, Now, Poll, Fallback));
    }

    [Fact]
    public void NextLook_DrainDeadlineBeforeTheFallback_LooksAtTheDeadline()
    {
        var operation = Operation() with { DrainDeadline = Now.AddSeconds(20) };

        Assert.Equal(TimeSpan.FromSeconds(20), WaitRules.NextLook(operation, WaitKind.InstanceState, Now, Poll, Fallback));
    }

    [Fact]
    public void NextLook_TerminateAlreadyRequested_IgnoresTheDrainDeadline()
    {
        var operation = Operation() with { DrainDeadline = Now.AddSeconds(20), TerminateRequested = true };

        Assert.Equal(Fallback, WaitRules.NextLook(operation, WaitKind.InstanceState, Now, Poll, Fallback));
    }

    [Theory]
    [InlineData(0, 500)]
    [InlineData(1, 750)]
    [InlineData(2, 1125)]
    [InlineData(3, 1687.5)]
    [InlineData(20, 10_000)]
    [InlineData(1000, 10_000)]
    public void PollDelay_GrowsByHalfALookUpToTheLongest(int polls, double milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), WaitRules.PollDelay(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), polls));
    }

    [Fact]
    public void NextLook_PolledWaitThatLookedBefore_WaitsLonger_ButAnEventWaitKeepsTheFallback()
    {
        Assert.Equal(WaitRules.PollDelay(Poll, Fallback, 3), WaitRules.NextLook(Operation(), WaitKind.Poll, Now, Poll, Fallback, pollsInStep: 3));
        Assert.True(WaitRules.PollDelay(Poll, Fallback, 3) > Poll);
        Assert.Equal(Fallback, WaitRules.NextLook(Operation(), WaitKind.InstanceState, Now, Poll, Fallback, pollsInStep: 3));
    }

    [Fact]
    public void NextLook_DrainDeadlineAfterThePoll_KeepsThePoll()
    {
        var operation = Operation() with { DrainDeadline = Now.AddSeconds(20) };

        Assert.Equal(Poll, WaitRules.NextLook(operation, WaitKind.Poll, Now, Poll, Fallback));
    }

    [Fact]
    public void NextLook_RetryLaterThanTheLook_WaitsForTheNextAttempt()
    {
        var operation = Operation() with { NextAttemptAt = Now.AddSeconds(90), DrainDeadline = Now.AddSeconds(20) };

        Assert.Equal(TimeSpan.FromSeconds(90), WaitRules.NextLook(operation, WaitKind.InstanceState, Now, Poll, Fallback));
    }

    [Fact]
    public void NextLook_RetrySoonerThanTheLook_KeepsTheLook()
    {
        var operation = Operation() with { NextAttemptAt = Now.AddSeconds(2) };

        Assert.Equal(Poll, WaitRules.NextLook(operation, WaitKind.Poll, Now, Poll, Fallback));
    }

    [Fact]
    public void NextLook_DeadlineAlmostNow_IsNeverBelowOneMillisecond()
    {
        var operation = Operation() with { DrainDeadline = Now.AddTicks(10) };

        Assert.Equal(TimeSpan.FromMilliseconds(1), WaitRules.NextLook(operation, WaitKind.InstanceState, Now, Poll, Fallback));
        Assert.Equal(TimeSpan.FromMilliseconds(1), WaitRules.NextLook(Operation(), WaitKind.Poll, Now, TimeSpan.Zero, Fallback));
    }

    [Theory]
    [InlineData(OperationKind.Recycle, SagaStep.Launch, Ec2CallPriority.Recovery)]
    [InlineData(OperationKind.Resume, SagaStep.AttachVolumes, Ec2CallPriority.Recovery)]
    [InlineData(OperationKind.Repair, SagaStep.AttachVolumes, Ec2CallPriority.Recovery)]
    [InlineData(OperationKind.Create, SagaStep.Launch, Ec2CallPriority.Create)]
    [InlineData(OperationKind.Pause, SagaStep.WaitOldTerminated, Ec2CallPriority.Create)]
    [InlineData(OperationKind.Delete, SagaStep.DeleteVolumes, Ec2CallPriority.Create)]
    [InlineData(OperationKind.Import, SagaStep.ImageOriginal, Ec2CallPriority.Create)]
    [InlineData(OperationKind.Recycle, SagaStep.CleanupRoot, Ec2CallPriority.Cleanup)]
    [InlineData(OperationKind.Resume, SagaStep.CleanupVolumes, Ec2CallPriority.Cleanup)]
    [InlineData(OperationKind.Delete, SagaStep.DeleteRootArtifacts, Ec2CallPriority.Cleanup)]
    public void Priority_RecoveriesFirst_CleanupLast(OperationKind kind, SagaStep step, Ec2CallPriority expected) =>
        Assert.Equal(expected, WaitRules.Priority(Operation(kind, step)));
}
