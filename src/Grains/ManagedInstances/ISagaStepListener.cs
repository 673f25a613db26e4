using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// Told after each saga step's outcome is persisted: for telemetry (step durations), and for tests that crash
/// or deactivate the grain between steps. Listeners run on the grain's turn; keep them quick.
/// </summary>
public interface ISagaStepListener
{
    ValueTask OnStepCompletedAsync(string managedInstanceId, OperationKind kind, SagaStep step, TimeSpan elapsed, IGrainContext grain);
}
