using Microsoft.Extensions.Time.Testing;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.ManagedInstances.Saga;
using StatefulSpot.Grains.ManagedInstances.Saga.Steps;
using StatefulSpot.Unit.Tests.Ec2;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

/// <summary>The wait for the replacement to run takes an event's "pending" on trust; anything else is described.</summary>
public sealed class WaitRunningStepTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeEc2Api _ec2 = new(new FakeTimeProvider(Now));

    [Fact]
    public async Task AnEventReportedItPending_WaitsForTheNextEventWithoutAskingEc2()
    {
        _ec2.AddReservation("r-1", "i-0abc0001");

        var result = await new WaitRunningStep(_ec2).ExecuteAsync(Context(new Dictionary<string, string> { ["i-0abc0001"] = "pending" }));

        Assert.Equal(StepOutcome.Wait, result.Outcome);
        Assert.Equal(WaitKind.InstanceState, result.WaitKind);
        Assert.Empty(_ec2.Calls);
    }

    [Fact]
    public async Task AnEventReportedItRunning_IsDescribedForItsAddressAndVolumes()
    {
        _ec2.AddReservation("r-1", "i-0abc0001");

        var result = await new WaitRunningStep(_ec2).ExecuteAsync(Context(new Dictionary<string, string> { ["i-0abc0001"] = "running" }));

        Assert.Equal(StepOutcome.Done, result.Outcome);
        Assert.Equal(Now, result.State!.Operation!.RunningAt);
        Assert.Single(_ec2.CallsOf("DescribeInstances"));
    }

    private static StepContext Context(IReadOnlyDictionary<string, string> reported) => new("smi-0123abcd", new ManagedInstanceState
    {
        Spec = Specs.Database(),
        Generation = 2,
        Operation = new SagaCursor
        {
            Kind = OperationKind.Recycle, Trigger = OperationTrigger.User, Step = SagaStep.WaitRunning,
            StartedAt = Now, StepStartedAt = Now, NewInstanceId = "i-0abc0001",
        },
    }, Now, null!, TimeSpan.Zero, CancellationToken.None)
    {
        ReportedStates = reported,
    };
}
