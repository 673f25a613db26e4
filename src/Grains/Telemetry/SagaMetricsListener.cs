using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Grains.Telemetry;

/// <summary>Records saga step durations, and recoveries with their downtime, on <see cref="StatefulSpotMetrics"/>.</summary>
public sealed class SagaMetricsListener(StatefulSpotMetrics metrics) : ISagaStepListener
{
    public ValueTask OnStepCompletedAsync(string managedInstanceId, OperationKind kind, SagaStep step, TimeSpan elapsed, IGrainContext grain)
    {
        metrics.SagaStepCompleted(kind, step, elapsed);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnOperationCompletedAsync(string managedInstanceId, OperationRecord record, OperationOutcome outcome, IGrainContext grain)
    {
        if (record.Kind == OperationKind.Recycle)
        {
            metrics.RecoveryFinished(record.Trigger, outcome, record.Downtime, record.AppDowntime);
        }

        return ValueTask.CompletedTask;
    }
}
