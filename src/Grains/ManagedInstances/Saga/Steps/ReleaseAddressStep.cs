using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>Delete with shouldDeleteNetworkInterfaces: gives the pool lease back. No pool, no lease: done.</summary>
public sealed class ReleaseAddressStep : ISagaStep
{
    public SagaStep Step => SagaStep.ReleaseAddress;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (context.Operation.DeleteOptions is not { ShouldDeleteNetworkInterfaces: true } || context.Spec.Network.PrivateIpPool is not { } poolName)
        {
            return StepResult.Done(context.State);
        }

        try
        {
            await context.Pool(poolName).ReleaseAsync(context.ManagedInstanceId, context.CancellationToken);
        }
        catch (IpPoolNotFoundException)
        {
            // No pool, no lease: releasing is done.
        }

        return StepResult.Done(context.State);
    }
}
