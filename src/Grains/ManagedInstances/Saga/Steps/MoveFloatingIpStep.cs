using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// network.floatingPrivateIp: puts the managed instance's private IP on the replacement's primary ENI as a secondary
/// address. A recycle takes it from the old instance (AllowReassignment: one call, no window in which two instances
/// hold it). The first launch gets the spec's address, or one EC2 chooses (the cursor records the request first, and a
/// retry adopts the address the lost answer gave); a resume asks for the recorded address back without taking it from
/// anyone else. Records when the address was in place: the application's downtime ends with it.
/// </summary>
public sealed class MoveFloatingIpStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.MoveFloatingIp;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var operation = context.Operation;
        var interfaceId = operation.ReplacementInterfaceId
            ?? throw new SagaStepFailedException($"the replacement {operation.NewInstanceId} reported no primary network interface for the floating IP");
        var state = context.State;
        if (state.FloatingIp is { } address)
        {
            try
            {
                await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
                {
                    NetworkInterfaceId = interfaceId,
                    PrivateIpAddresses = [address],
                    AllowReassignment = operation.Kind == Interfaces.OperationKind.Recycle,
                }, context.CancellationToken);
            }
            catch (AmazonEC2Exception exception) when (IsHeldAlready(exception))
            {
                // Our own earlier attempt (its answer lost) placed it, or another interface took it while we had no instance.
                if (!(await AddressesAsync(interfaceId, context.CancellationToken)).Contains(address))
                {
                    throw new SagaStepFailedException($"the floating IP {address} is held by another network interface (it was free while "
                        + "the managed instance had no instance); free it, or delete this managed instance and create it with another address");
                }
            }

            return Placed(context, address);
        }

        if (!operation.FloatingIpRequested)
        {
            // Written before the call that may choose the address.
            return StepResult.Checkpoint(state with { Operation = operation with { FloatingIpRequested = true } });
        }

        var chosen = context.JustCheckpointed ? null : (await AddressesAsync(interfaceId, context.CancellationToken)).Skip(1).FirstOrDefault();
        if (chosen is null)
        {
            var fixedAddress = context.Spec.Network.PrivateIp;
            var response = await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
            {
                NetworkInterfaceId = interfaceId,
                PrivateIpAddresses = fixedAddress is null ? null : [fixedAddress],
                SecondaryPrivateIpAddressCount = fixedAddress is null ? 1 : null,
            }, context.CancellationToken);
            chosen = fixedAddress ?? response.AssignedPrivateIpAddresses?.FirstOrDefault()?.PrivateIpAddress
                ?? throw new InvalidOperationException($"AssignPrivateIpAddresses on {interfaceId} answered without an address.");
        }

        return Placed(context with { State = state with { FloatingIp = chosen } }, chosen);
    }

    private static StepResult Placed(StepContext context, string address) => StepResult.Done(context.State with
    {
        PrivateIp = address,
        Operation = context.Operation with { AddressInPlaceAt = context.Now },
    });

    /// <summary>EC2 refuses an address some interface holds unless it may move: "[10.0.1.50] assigned, but move is not allowed."</summary>
    private static bool IsHeldAlready(AmazonEC2Exception exception) =>
        exception.ErrorCode == "InvalidParameterValue" && exception.Message.Contains("move is not allowed", StringComparison.OrdinalIgnoreCase);

    /// <summary>The interface's private addresses, its primary first (a secondary there is one a lost answer gave it).</summary>
    private async Task<IReadOnlyList<string>> AddressesAsync(string interfaceId, CancellationToken cancellationToken)
    {
        var response = await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [interfaceId] }, cancellationToken);
        var addresses = response.NetworkInterfaces?.FirstOrDefault()?.PrivateIpAddresses ?? [];
        return [.. addresses.OrderByDescending(a => a.Primary == true).Select(a => a.PrivateIpAddress)];
    }
}
