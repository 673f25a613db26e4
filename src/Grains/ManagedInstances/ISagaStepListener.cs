using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// Told after each saga step's outcome is persisted: for telemetry (step durations), and for tests that crash
/// or deactivate the grain between steps. Listeners run on the grain's turn; keep them quick.
/// </summary>
public interface ISagaStepListener
{
    ValueTask OnStepCompletedAsync(string managedInstanceId, OperationKind kind, SagaStep step, TimeSpan elapsed, IGrainContext grain);

    /// <summary>Told after a step's checkpoint is persisted, before the same step runs again.</summary>
    ValueTask OnStepCheckpointedAsync(string managedInstanceId, OperationKind kind, SagaStep step, IGrainContext grain) => ValueTask.CompletedTask;

    /// <summary>
    /// Told after an operation ended and its <paramref name="record"/> (timeline, downtime, error) was persisted to the
    /// history: it succeeded, failed (the managed instance is in Error), or was superseded by another operation.
    /// </summary>
    ValueTask OnOperationCompletedAsync(string managedInstanceId, OperationRecord record, OperationOutcome outcome, IGrainContext grain) =>
        ValueTask.CompletedTask;
}

/// <summary>How an operation ended.</summary>
public enum OperationOutcome
{
    Succeeded = 1,

    /// <summary>Ended in Error: a step failed for good or timed out.</summary>
    Failed = 2,

    /// <summary>Replaced by another operation before it finished (e.g. a delete during a recovery).</summary>
    Superseded = 3,
}
