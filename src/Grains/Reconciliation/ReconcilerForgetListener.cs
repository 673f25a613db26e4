using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Grains.Reconciliation;

/// <summary>When an operation of a managed instance ends, the reconciliation loop forgets what it remembered of it.</summary>
public sealed class ReconcilerForgetListener(IGrainFactory grains) : ISagaStepListener
{
    public ValueTask OnStepCompletedAsync(string managedInstanceId, OperationKind kind, SagaStep step, TimeSpan elapsed, IGrainContext grain) =>
        ValueTask.CompletedTask;

    public async ValueTask OnOperationCompletedAsync(string managedInstanceId, OperationRecord record, OperationOutcome outcome, IGrainContext grain) =>
        await grains.GetGrain<IReconcilerGrain>(IReconcilerGrain.Key).ForgetAsync(managedInstanceId);
}
