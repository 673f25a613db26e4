using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.ManagedInstances.Saga;
using StatefulSpot.Unit.Tests.Ec2;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

public sealed class SagaStepsTests
{
    private readonly SagaSteps _steps = new(new FakeEc2Api(TimeProvider.System));

    [Fact]
    public void EveryStepOfEveryPlan_HasExactlyOneClass()
    {
        var all = SagaSteps.All(new FakeEc2Api(TimeProvider.System));
        Assert.Equal(all.Count, all.Select(s => s.Step).Distinct().Count());
        foreach (var kind in Enum.GetValues<OperationKind>())
        {
            foreach (var step in SagaPlan.Steps(kind).Concat(kind == OperationKind.Recycle ? SagaPlan.Steps(kind, prestaged: true) : []))
            {
                Assert.Equal(step, _steps.Find(step)?.Step);
            }
        }

        Assert.Equal(Enum.GetValues<SagaStep>().Where(s => s != SagaStep.Done).Order(), all.Select(s => s.Step).Order());
    }

    [Fact]
    public async Task AStepThisBuildDoesNotKnow_FailsForGood()
    {
        var cursor = new SagaCursor { Kind = OperationKind.Recycle, Trigger = OperationTrigger.User, Step = (SagaStep)99, StartedAt = default, StepStartedAt = default };
        var context = new StepContext("smi-0123abcd", new ManagedInstanceState { Operation = cursor }, default, null!, TimeSpan.Zero, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<SagaStepFailedException>(() => _steps.ExecuteAsync(context));
        Assert.Contains("99", failure.Message, StringComparison.Ordinal);
    }
}
