using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.ManagedInstances.Saga;
using StatefulSpot.Grains.ManagedInstances.Saga.Steps;
using StatefulSpot.Unit.Tests.Ec2;
using Microsoft.Extensions.Time.Testing;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

/// <summary>Downtime as the application sees it: from the old instance leaving service to the replacement serving, address and all.</summary>
public sealed class AppDowntimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static SagaCursor Finished(params SagaStep[] plan) => new()
    {
        Kind = OperationKind.Recycle,
        Trigger = OperationTrigger.SpotInterruption,
        Step = SagaStep.Done,
        StartedAt = Now,
        StepStartedAt = Now,
        Plan = plan,
        ServiceStoppedAt = Now.AddSeconds(120),
        OldTerminatedAt = Now.AddSeconds(140),
        RunningAt = Now.AddSeconds(150),
        AttachedAt = Now.AddSeconds(152),
    };

    [Fact]
    public void TheRecord_CountsFromTheOldInstanceLeavingService_NotFromItsTermination()
    {
        var record = ManagedInstanceViews.Record(Finished(SagaStep.WaitAttached), 2, Now.AddSeconds(153), error: null);

        Assert.Equal(TimeSpan.FromSeconds(32), record.AppDowntime);
        Assert.Equal(TimeSpan.FromSeconds(12), record.Downtime);
        Assert.Equal(Now.AddSeconds(152), record.ServiceRestoredAt);
    }

    [Fact]
    public void WithAnElasticIp_TheDowntimeEndsWhenTheAddressIsOnTheReplacement()
    {
        var cursor = Finished(SagaStep.WaitAttached, SagaStep.AssociateElasticIp);

        Assert.Null(ManagedInstanceViews.Record(cursor, 2, Now.AddSeconds(153), error: null).AppDowntime);
        Assert.Equal(TimeSpan.FromSeconds(34),
            ManagedInstanceViews.Record(cursor with { AddressInPlaceAt = Now.AddSeconds(154) }, 2, Now.AddSeconds(155), error: null).AppDowntime);
    }

    [Fact]
    public void APrestagedReplacementRunningLongBefore_EndsTheDowntimeAtTheAttach()
    {
        var cursor = Finished(SagaStep.WaitAttached) with { RunningAt = Now.AddSeconds(20), ServiceStoppedAt = Now.AddSeconds(110), AttachedAt = Now.AddSeconds(114) };

        Assert.Equal(TimeSpan.FromSeconds(4), ManagedInstanceViews.Record(cursor, 2, Now.AddSeconds(115), error: null).AppDowntime);
    }

    [Fact]
    public void TheFirstStopLearnt_IsKept_AnEventRoundedDownToItsSecondAfterwardsDoesNotMoveIt()
    {
        var cutover = Now.AddMilliseconds(480);
        var cursor = (Finished() with { ServiceStoppedAt = null }).StoppedServing(cutover);

        Assert.Equal(cutover, cursor.StoppedServing(Now).ServiceStoppedAt);
        Assert.Equal(cutover, cursor.StoppedServing(Now.AddSeconds(5)).ServiceStoppedAt);
    }

    [Fact]
    public async Task AShuttingDownEvent_RecordsItsTimeAsTheStop_InTheWait()
    {
        var ec2 = new FakeEc2Api(new FakeTimeProvider(Now));
        var cursor = Finished() with { Step = SagaStep.WaitOldTerminated, OldInstanceId = "i-0a1b2c3d", ServiceStoppedAt = null, DrainDeadline = Now.AddSeconds(-1) };
        var context = new StepContext("smi-0123abcd", new ManagedInstanceState { Spec = Specs.Database(), Generation = 2, Operation = cursor }, Now, null!,
            TimeSpan.Zero, CancellationToken.None)
        {
            ReportedStates = new Dictionary<string, string> { ["i-0a1b2c3d"] = "shutting-down" },
            ReportedLeftRunning = new Dictionary<string, DateTimeOffset> { ["i-0a1b2c3d"] = Now.AddSeconds(-2) },
        };

        var result = await new WaitOldTerminatedStep(ec2).ExecuteAsync(context);

        Assert.Equal(StepOutcome.Wait, result.Outcome);
        Assert.Equal(Now.AddSeconds(-2), result.State!.Operation!.ServiceStoppedAt);
        Assert.Empty(ec2.Calls);
    }

    [Fact]
    public async Task TerminatingTheOldInstanceOurselves_IsTheStop()
    {
        var ec2 = new FakeEc2Api(new FakeTimeProvider(Now));
        ec2.AddReservation("r-1", "i-0a1b2c3d");
        var cursor = Finished() with { Step = SagaStep.WaitOldTerminated, OldInstanceId = "i-0a1b2c3d", ServiceStoppedAt = null, DrainDeadline = Now.AddSeconds(-1) };
        var context = new StepContext("smi-0123abcd", new ManagedInstanceState { Spec = Specs.Database(), Generation = 2, Operation = cursor }, Now, null!,
            TimeSpan.Zero, CancellationToken.None);

        var result = await new WaitOldTerminatedStep(ec2).ExecuteAsync(context);

        Assert.Equal(StepOutcome.Checkpoint, result.Outcome);
        Assert.Equal(Now, result.State!.Operation!.ServiceStoppedAt);
    }
}
