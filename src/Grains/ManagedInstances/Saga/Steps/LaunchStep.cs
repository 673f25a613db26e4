using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Launches the replacement: the newest root image (persistRootDevice), the ENI at device index 0 (persistPrivateIp),
/// onLaunch volumes from their final snapshots; pools tried in <see cref="LaunchZones"/> x placement order, a pool
/// with no capacity avoided for a while. When every pool fails, the avoided pools are persisted with the retry.
/// </summary>
public sealed class LaunchStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.Launch;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var (state, spec) = (context.State, context.Spec);
        if (state.NetworkInterfaceId is { } eniId && !context.Operation.NetworkInterfaceFree)
        {
            var eni = await context.NetworkInterface().RefreshAsync(context.CancellationToken);
            return eni.Status == "available"
                ? StepResult.Checkpoint(state with { Operation = context.Operation with { NetworkInterfaceFree = true } })
                : StepResult.Wait($"network interface {eniId} to be available (it is {eni.Status})");
        }

        var avoided = state.AvoidedPools;
        Exception? noCapacity = null;
        var dataSnapshots = SnapshotRules.BuildsVolumesOnLaunch(spec)
            ? spec.LaunchSpecification.BlockDeviceMappings.ToDictionary(b => b.DeviceName,
                b => state.LatestSnapshots.FirstOrDefault(s => s.DeviceName == b.DeviceName)?.SnapshotId, StringComparer.Ordinal)
            : null;
        foreach (var (subnetId, zone) in LaunchZones.For(spec, state))
        foreach (var candidate in PlacementRules.Candidates(spec, zone, avoided, context.Now))
        {
            var token = context.ClientToken($"launch-{candidate.InstanceType}-{candidate.Market}-{zone}");
            var request = LaunchRequests.Build(context.ManagedInstanceId, state.Generation, spec, candidate, zone, state.NetworkInterfaceId, token,
                state.RootImages.LastOrDefault()?.ImageId, subnetId, dataSnapshots);
            RunInstancesResponse response;
            try
            {
                response = await ec2.RunInstancesAsync(request, context.CancellationToken);
            }
            catch (Amazon.EC2.AmazonEC2Exception exception) when (Ec2Errors.Classify(exception) == Ec2ErrorKind.InsufficientCapacity)
            {
                // No capacity, or the type is not offered in this AZ: the next pool may well launch.
                noCapacity = exception;
                avoided = PlacementRules.Avoid(avoided, candidate.Pool(zone), context.Now, context.PoolAvoidance);
                continue;
            }

            var instance = response.Reservation?.Instances?.FirstOrDefault()
                ?? throw new SagaStepFailedException("RunInstances returned no instance");
            await context.Grains.GetGrain<IEc2InstanceGrain>(instance.InstanceId)
                .SetOwnerAsync(context.ManagedInstanceId, state.Generation, context.CancellationToken);
            return StepResult.Done(state with
            {
                InstanceId = instance.InstanceId,
                InstanceType = candidate.InstanceType,
                Market = candidate.Market,
                AvoidedPools = avoided,
                Operation = context.Operation with { NewInstanceId = instance.InstanceId, LaunchedAt = context.Now, Placement = candidate.Pool(zone) },
            });
        }

        // Every allowed pool is out of capacity: remember which, and let the step retry with back-off.
        return StepResult.Fail(noCapacity ?? new SagaStepFailedException("the spec allows no instance type to launch"), state with { AvoidedPools = avoided });
    }
}
