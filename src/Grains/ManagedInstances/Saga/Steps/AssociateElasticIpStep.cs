using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Moves the spec's Elastic IP to the new instance (idempotent; AllowReassociation takes it off the old one), and records
/// when: the application's downtime ends with its address in place.
/// </summary>
public sealed class AssociateElasticIpStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.AssociateElasticIp;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (context.Spec.Network.ElasticIpAllocationId is not { } allocationId)
        {
            return StepResult.Done(context.State);
        }

        await ec2.AssociateAddressAsync(new AssociateAddressRequest
        {
            AllocationId = allocationId,
            InstanceId = context.Operation.NewInstanceId,
            AllowReassociation = true,
        }, context.CancellationToken);
        return StepResult.Done(context.State with { Operation = context.Operation with { AddressInPlaceAt = context.Now } });
    }
}
