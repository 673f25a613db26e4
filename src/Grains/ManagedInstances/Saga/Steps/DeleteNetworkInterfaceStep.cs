namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>Delete with shouldDeleteNetworkInterfaces: the ENI grain deletes the persistent ENI.</summary>
public sealed class DeleteNetworkInterfaceStep : ISagaStep
{
    public SagaStep Step => SagaStep.DeleteNetworkInterface;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (context.Operation.DeleteOptions is not { ShouldDeleteNetworkInterfaces: true } || context.State.NetworkInterfaceId is null)
        {
            return StepResult.Done(context.State);
        }

        await context.NetworkInterface().DeleteAsync(context.CancellationToken);
        return StepResult.Done(context.State with { NetworkInterfaceId = null });
    }
}
