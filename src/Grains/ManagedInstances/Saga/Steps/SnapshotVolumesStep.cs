namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>onLaunch, once the old instance is gone: a final (crash-consistent) snapshot of each released data volume, one checkpoint per snapshot.</summary>
public sealed class SnapshotVolumesStep : ISagaStep
{
    public SagaStep Step => SagaStep.SnapshotVolumes;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (!SnapshotRules.BuildsVolumesOnLaunch(context.Spec))
        {
            return StepResult.Done(context.State);
        }

        return await FinalSnapshots.TakeNextAsync(context, await HeldVolumes.GetAsync(context), "final",
            $"final, generation {context.State.Generation}") ?? StepResult.Done(context.State);
    }
}
