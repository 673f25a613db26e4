using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Creates the persistent primary ENI once (persistPrivateIp, a fixed private IP or an IP pool), leasing its address
/// from the pool first. An address something outside the pool holds is quarantined, and the step retries with the next.
/// </summary>
public sealed class PrepareNetworkStep : ISagaStep
{
    public SagaStep Step => SagaStep.PrepareNetwork;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var spec = context.Spec;
        if (!NetworkRules.NeedsPersistentInterface(spec))
        {
            return StepResult.Done(context.State);
        }

        var privateIp = spec.Network.PrivateIp;
        if (spec.Network.PrivateIpPool is { } poolName)
        {
            privateIp = (await context.Pool(poolName).LeaseAsync(context.ManagedInstanceId, context.CancellationToken)).Address;
        }

        NetworkInterfaceView eni;
        try
        {
            eni = await context.NetworkInterface().EnsureCreatedAsync(new NetworkInterfaceRequest
            {
                SubnetId = spec.SubnetIds[0],
                ClientToken = context.ClientToken(privateIp is null ? "eni" : $"eni-{privateIp}"),
                PrivateIp = privateIp,
                SecurityGroupIds = spec.LaunchSpecification.SecurityGroupIds,
                Tags = context.Tags("eth0"),
            }, context.CancellationToken);
        }
        catch (Amazon.EC2.AmazonEC2Exception exception) when (Ec2Errors.IsAddressInUse(exception) && spec.Network.PrivateIpPool is { } pool)
        {
            await context.Pool(pool).ReportAddressInUseAsync(context.ManagedInstanceId, privateIp!, exception.Message, context.CancellationToken);
            throw;
        }

        return StepResult.Done(context.State with
        {
            NetworkInterfaceId = eni.NetworkInterfaceId,
            PrivateIp = eni.PrivateIp,
            AvailabilityZone = eni.AvailabilityZone,
        });
    }
}
