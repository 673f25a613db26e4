using Microsoft.Extensions.Time.Testing;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.ManagedInstances.Saga;
using StatefulSpot.Grains.ManagedInstances.Saga.Steps;
using StatefulSpot.Unit.Tests.Ec2;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

/// <summary>The step that terminates the old instance: it checkpoints the cursor before the side effect, then acts, then completes.</summary>
public sealed class WaitOldTerminatedStepTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeEc2Api _ec2 = new(new FakeTimeProvider(Now));

    [Fact]
    public async Task PastTheDrainDeadline_CheckpointsTheRequestBeforeTerminating_ThenTerminatesOnTheNextRun()
    {
        _ec2.AddReservation("r-1", "i-0a1b2c3d");
        var step = new WaitOldTerminatedStep(_ec2);
        var context = Context(Cursor("i-0a1b2c3d") with { DrainDeadline = Now.AddSeconds(-1) });

        var first = await step.ExecuteAsync(context);

        Assert.Equal(StepOutcome.Checkpoint, first.Outcome);
        Assert.True(first.State!.Operation!.TerminateRequested);
        Assert.Equal(SagaStep.WaitOldTerminated, first.State.Operation.Step);
        Assert.Empty(_ec2.CallsOf("TerminateInstances"));

        // The grain persists the checkpoint and runs the same step again at once: now the call is made.
        var second = await step.ExecuteAsync(context with { State = first.State });

        Assert.Equal(StepOutcome.Wait, second.Outcome);
        Assert.Equal(WaitKind.InstanceState, second.WaitKind);
        Assert.Null(second.State);
        Assert.Equal(["i-0a1b2c3d"], Assert.Single(_ec2.CallsOf("TerminateInstances")).Request is Amazon.EC2.Model.TerminateInstancesRequest r ? r.InstanceIds : []);
    }

    [Fact]
    public async Task BeforeTheDrainDeadline_WaitsWithoutTerminating()
    {
        _ec2.AddReservation("r-1", "i-0a1b2c3d");
        var result = await new WaitOldTerminatedStep(_ec2).ExecuteAsync(Context(Cursor("i-0a1b2c3d") with { DrainDeadline = Now.AddMinutes(1) }));

        Assert.Equal(StepOutcome.Wait, result.Outcome);
        Assert.Empty(_ec2.CallsOf("TerminateInstances"));
    }

    [Fact]
    public async Task AnInstanceEc2NoLongerKnows_IsDone_WithTheTimeItWasFoundGone()
    {
        _ec2.AddReservation("r-1", "i-0e1f2a3b");
        var result = await new WaitOldTerminatedStep(_ec2).ExecuteAsync(Context(Cursor("i-0c4d5e6f") with { TerminateRequested = true }));

        Assert.Equal(StepOutcome.Done, result.Outcome);
        Assert.Equal(Now, result.State!.Operation!.OldTerminatedAt);
        Assert.Empty(_ec2.CallsOf("TerminateInstances"));
    }

    [Fact]
    public async Task AnEventReportedItTerminated_IsDoneWithoutAskingEc2()
    {
        _ec2.AddReservation("r-1", "i-0a1b2c3d");
        var context = Context(Cursor("i-0a1b2c3d") with { DrainDeadline = Now.AddSeconds(-10) }) with
        {
            ReportedStates = new Dictionary<string, string> { ["i-0a1b2c3d"] = "terminated" },
        };

        var result = await new WaitOldTerminatedStep(_ec2).ExecuteAsync(context);

        Assert.Equal(StepOutcome.Done, result.Outcome);
        Assert.Equal(Now, result.State!.Operation!.OldTerminatedAt);
        Assert.Empty(_ec2.Calls);
    }

    [Fact]
    public async Task AnEventReportedItShuttingDownPastTheDeadline_WaitsForTheEventWithoutAskingOrTerminating()
    {
        _ec2.AddReservation("r-1", "i-0a1b2c3d");
        var context = Context(Cursor("i-0a1b2c3d") with { DrainDeadline = Now.AddSeconds(-1) }) with
        {
            ReportedStates = new Dictionary<string, string> { ["i-0a1b2c3d"] = "shutting-down" },
        };

        var result = await new WaitOldTerminatedStep(_ec2).ExecuteAsync(context);

        Assert.Equal(StepOutcome.Wait, result.Outcome);
        Assert.Equal(WaitKind.InstanceState, result.WaitKind);
        Assert.Empty(_ec2.Calls);
    }

    [Fact]
    public async Task AnEventReportingItStillRunning_IsNotTakenOnTrust()
    {
        _ec2.AddReservation("r-1", "i-0a1b2c3d");
        var context = Context(Cursor("i-0a1b2c3d") with { DrainDeadline = Now.AddMinutes(1) }) with
        {
            ReportedStates = new Dictionary<string, string> { ["i-0a1b2c3d"] = "running" },
        };

        var result = await new WaitOldTerminatedStep(_ec2).ExecuteAsync(context);

        Assert.Equal(StepOutcome.Wait, result.Outcome);
        Assert.Single(_ec2.CallsOf("DescribeInstances"));
    }

    private static SagaCursor Cursor(string oldInstanceId) => new()
    {
        Kind = OperationKind.Recycle,
        Trigger = OperationTrigger.User,
        Step = SagaStep.WaitOldTerminated,
        StartedAt = Now,
        StepStartedAt = Now,
        OldInstanceId = oldInstanceId,
    };

    private static StepContext Context(SagaCursor cursor) =>
        new("smi-0123abcd", new ManagedInstanceState { Spec = Specs.Database(), Generation = 2, Operation = cursor }, Now, null!, TimeSpan.Zero,
            CancellationToken.None);
}
