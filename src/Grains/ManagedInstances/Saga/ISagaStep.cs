namespace StatefulSpot.Grains.ManagedInstances.Saga;

/// <summary>
/// One step of the saga. Idempotent: it re-checks EC2 (through the resource grains) before acting, so re-running it
/// after a crash is safe; create calls carry client tokens derived from (managed instance, generation, step).
/// </summary>
public interface ISagaStep
{
    SagaStep Step { get; }

    Task<StepResult> ExecuteAsync(StepContext context);
}
