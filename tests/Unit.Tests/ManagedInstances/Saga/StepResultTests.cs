using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.ManagedInstances.Saga;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

public sealed class StepResultTests
{
    private static readonly ManagedInstanceState State = new() { Generation = 3 };

    [Fact]
    public void EachResult_CarriesWhatTheGrainPersists()
    {
        Assert.Equal((StepOutcome.Done, State), (StepResult.Done(State).Outcome, StepResult.Done(State).State));
        Assert.Equal((StepOutcome.Checkpoint, State), (StepResult.Checkpoint(State).Outcome, StepResult.Checkpoint(State).State));

        var wait = StepResult.Wait("volume vol-1 to be attached");
        Assert.Equal((StepOutcome.Wait, null, "volume vol-1 to be attached", WaitKind.Poll), (wait.Outcome, wait.State, wait.WaitingFor, wait.WaitKind));
        Assert.Equal(WaitKind.InstanceState, StepResult.WaitForInstance("i-1 to run").WaitKind);

        var failure = new InvalidOperationException("no capacity");
        var failed = StepResult.Fail(failure, State);
        Assert.Equal((StepOutcome.Failed, State, failure), (failed.Outcome, failed.State, failed.Failure));
        Assert.Null(StepResult.Fail(failure).State);
    }
}
