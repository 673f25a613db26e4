using System.Diagnostics;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances.Saga;
using StatefulSpot.Grains.Telemetry;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>Telemetry of the saga: a span per step execution, and the listeners told when an operation ends.</summary>
public sealed partial class ManagedInstanceGrain
{
    /// <summary>Runs one execution of the current step inside a span <c>saga {Kind} {Step}</c>; EC2 calls it makes are its children.</summary>
    private async Task<StepResult> TraceStepAsync(SagaCursor operation, Func<Task<StepResult>> execute)
    {
        using var activity = StatefulSpotMetrics.ActivitySource.StartActivity($"saga {operation.Kind} {operation.Step}");
        activity?.SetTag("statefulspot.managed_instance", Id);
        activity?.SetTag("statefulspot.operation", operation.Kind.ToString());
        activity?.SetTag("statefulspot.step", operation.Step.ToString());
        activity?.SetTag("statefulspot.generation", State.Generation);
        activity?.SetTag("statefulspot.attempt", operation.Attempts + 1);
        try
        {
            var result = await execute();
            activity?.SetTag("statefulspot.step.result", result.Outcome switch
            {
                StepOutcome.Wait => "waiting",
                StepOutcome.Checkpoint => "checkpoint",
                StepOutcome.Failed => "failed",
                _ => "done",
            });
            if (result.Failure is { } failure)
            {
                activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
            }

            return result;
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    /// <summary>Tells the listeners that an operation ended; its record is already persisted. No-op for a null record.</summary>
    private async Task OperationEndedAsync(OperationRecord? record, OperationOutcome outcome)
    {
        if (record is null)
        {
            return;
        }

        foreach (var listener in _listeners)
        {
            await listener.OnOperationCompletedAsync(Id, record, outcome, GrainContext);
        }
    }
}
