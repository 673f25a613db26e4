using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.ManagedInstances.Saga;
using StatefulSpot.Grains.ManagedInstances.Saga.Steps;
using Microsoft.Extensions.Time.Testing;
using StatefulSpot.Unit.Tests.Ec2;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

/// <summary>
/// The early cutover of a pre-staged recycle: the volumes leave the still-running old instance at the drain deadline,
/// the moment it stops serving is recorded first, and a detach that sticks is forced.
/// </summary>
public sealed class EarlyCutoverTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private const string OldInstance = "i-0a1d0001";
    private const string NewInstance = "i-0b2e0001";
    private readonly FakeVolumeGrain _volume = new("/dev/sdf", View(OldInstance, "attached"));
    private readonly FakeEc2Api _ec2 = new(new FakeTimeProvider(Now));

    public EarlyCutoverTests() => _ec2.AddReservation("r-1", OldInstance);

    private static VolumeView View(string? instanceId, string? attachment) => new()
    {
        DeviceName = "/dev/sdf", VolumeId = "vol-0abc", AvailabilityZone = "us-east-1a", State = instanceId is null ? "available" : "in-use",
        AttachedInstanceId = instanceId, AttachmentState = attachment,
    };

    [Fact]
    public void ThePrestagedPlan_DetachesAtTheCutover_AndTerminatesTheOldInstanceOnlyAfterTheVolumesAreAttached()
    {
        var plan = SagaPlan.Steps(OperationKind.Recycle, prestaged: true);

        Assert.True(plan.ToList().IndexOf(SagaStep.DetachVolumes) > plan.ToList().IndexOf(SagaStep.WaitRunning));
        Assert.True(plan.ToList().IndexOf(SagaStep.WaitOldTerminated) > plan.ToList().IndexOf(SagaStep.WaitAttached));
    }

    [Fact]
    public async Task BeforeTheDrainDeadline_WaitsForIt_WithoutDetaching()
    {
        var result = await new DetachVolumesStep(_ec2).ExecuteAsync(Context(Cursor() with { DrainDeadline = Now.AddSeconds(30) }));

        Assert.Equal(StepOutcome.Wait, result.Outcome);
        Assert.Equal(WaitKind.DrainDeadline, result.WaitKind);
        Assert.Empty(_volume.Calls);
    }

    [Fact]
    public async Task AtTheDeadline_RecordsTheCutoverBeforeDetaching_ThenDetachesFromTheRunningOldInstance()
    {
        var step = new DetachVolumesStep(_ec2);
        var context = Context(Cursor() with { DrainDeadline = Now });

        var first = await step.ExecuteAsync(context);

        Assert.Equal(StepOutcome.Checkpoint, first.Outcome);
        Assert.Equal(Now, first.State!.Operation!.ServiceStoppedAt);
        Assert.Empty(_volume.Calls);

        var second = await step.ExecuteAsync(context with { State = first.State });

        Assert.Equal(StepOutcome.Done, second.Outcome);
        Assert.Equal([$"detach {OldInstance}"], _volume.Calls);
    }

    [Fact]
    public async Task AVolumeAlreadyOnTheReplacement_IsLeftAlone()
    {
        _volume.Ec2View = View(NewInstance, "attached");

        var result = await new DetachVolumesStep(_ec2).ExecuteAsync(Context(Cursor() with { DrainDeadline = Now, ServiceStoppedAt = Now }));

        Assert.Equal(StepOutcome.Done, result.Outcome);
        Assert.Empty(_volume.Calls);
    }

    [Fact]
    public async Task WhenEc2TookTheOldInstanceFirst_ItsEventTimeIsTheStop_AndNothingIsDetached()
    {
        var leftAt = Now.AddSeconds(-3);
        var context = Context(Cursor() with { DrainDeadline = Now.AddSeconds(30) }) with
        {
            ReportedLeftRunning = new Dictionary<string, DateTimeOffset> { [OldInstance] = leftAt },
        };

        var result = await new DetachVolumesStep(_ec2).ExecuteAsync(context);

        Assert.Equal(StepOutcome.Done, result.Outcome);
        Assert.Equal(leftAt, result.State!.Operation!.ServiceStoppedAt);
        Assert.Empty(_volume.Calls);
    }

    [Fact]
    public async Task AnOldInstanceAlreadyGone_WithoutAnEventLeftForTheStep_IsFoundByItsLook_AndNothingIsDetached()
    {
        var result = await new DetachVolumesStep(_ec2).ExecuteAsync(Context(Cursor() with { OldInstanceId = "i-0c3f0001", DrainDeadline = Now.AddSeconds(60) }));

        Assert.Equal(StepOutcome.Done, result.Outcome);
        Assert.Equal(Now, result.State!.Operation!.ServiceStoppedAt);
        Assert.Empty(_volume.Calls);
    }

    [Fact]
    public async Task AnOldInstanceStoppedByHand_IsTerminatedToFreeItsVolumes_TheRequestRecordedFirst()
    {
        var step = new DetachVolumesStep(_ec2);
        var context = Context(Cursor() with { DrainDeadline = Now.AddSeconds(60) }) with
        {
            ReportedStates = new Dictionary<string, string> { [OldInstance] = "stopped" },
        };

        var first = await step.ExecuteAsync(context);

        Assert.Equal(StepOutcome.Checkpoint, first.Outcome);
        Assert.True(first.State!.Operation!.TerminateRequested);
        Assert.Empty(_ec2.CallsOf("TerminateInstances"));

        var second = await step.ExecuteAsync(context with { State = first.State });

        Assert.Equal(StepOutcome.Done, second.Outcome);
        Assert.Single(_ec2.CallsOf("TerminateInstances"));
        Assert.Empty(_volume.Calls);
    }

    [Fact]
    public async Task ADetachStillUnderWayLongAfterTheCutover_IsForced()
    {
        _volume.Ec2View = View(OldInstance, "detaching");
        var cursor = Cursor() with { Step = SagaStep.WaitResourcesReleased, ServiceStoppedAt = Now - WaitResourcesReleasedStep.ForceDetachAfter };

        var result = await new WaitResourcesReleasedStep().ExecuteAsync(Context(cursor));

        Assert.Equal(StepOutcome.Wait, result.Outcome);
        Assert.Equal([$"force-detach {OldInstance}"], _volume.Calls);
    }

    [Fact]
    public async Task ADetachUnderWaySoonAfterTheCutover_IsWaitedFor()
    {
        _volume.Ec2View = View(OldInstance, "detaching");
        var cursor = Cursor() with { Step = SagaStep.WaitResourcesReleased, ServiceStoppedAt = Now.AddSeconds(-2) };

        var result = await new WaitResourcesReleasedStep().ExecuteAsync(Context(cursor));

        Assert.Equal(StepOutcome.Wait, result.Outcome);
        Assert.Empty(_volume.Calls);
    }

    [Fact]
    public void TheCutoverOfAnInterruption_ComesTheLeadBeforeEc2TakesTheInstance_OrAtAnEarlierDrainDeadline()
    {
        var interruption = Cursor() with { Trigger = OperationTrigger.SpotInterruption, NoticeAt = Now, DrainDeadline = Now.AddSeconds(125) };

        Assert.Equal(Now.AddSeconds(110), NoticePolicy.CutoverDeadline(interruption, TimeSpan.FromSeconds(10)));
        Assert.Equal(Now.AddSeconds(30), NoticePolicy.CutoverDeadline(interruption with { DrainDeadline = Now.AddSeconds(30) }, TimeSpan.FromSeconds(10)));
        Assert.Equal(Now.AddSeconds(40), NoticePolicy.CutoverDeadline(Cursor() with { DrainDeadline = Now.AddSeconds(40) }, TimeSpan.FromSeconds(10)));
    }

    private static SagaCursor Cursor() => new()
    {
        Kind = OperationKind.Recycle,
        Trigger = OperationTrigger.User,
        Step = SagaStep.DetachVolumes,
        StartedAt = Now,
        StepStartedAt = Now,
        OldInstanceId = OldInstance,
        NewInstanceId = NewInstance,
        Prestaged = true,
        Plan = SagaPlan.Steps(OperationKind.Recycle, prestaged: true),
    };

    private StepContext Context(SagaCursor cursor) => new("smi-0123abcd", new ManagedInstanceState
    {
        Spec = Specs.Database(persistPrivateIp: false),
        Generation = 2,
        Operation = cursor,
    }, Now, FakeGrains.With(new() { ["smi-0123abcd//dev/sdf"] = _volume }), TimeSpan.Zero, CancellationToken.None);
}
