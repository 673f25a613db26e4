using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Launches the replacement: the newest root image (persistRootDevice), the ENI at device index 0 (persistPrivateIp),
/// onLaunch volumes from their final snapshots; pools tried in <see cref="LaunchZones"/> x placement order, a pool
/// with no capacity avoided for a while. When every pool fails, the avoided pools are persisted with the retry.
/// The cursor says a launch was asked (a checkpoint) before RunInstances; a launch that runs again first looks for
/// the instance it made by its tags (the answer lost, or the silo gone before it was written) and adopts it. One that
/// is going away before anything recorded it is waited for until terminated (terminated first if it is stopped): its
/// onLaunch volumes outlive it, unrecorded, and clean-up deletes them only once they are released. Its client token is
/// then spent (IdempotentInstanceTerminated), so the cursor moves to the next launch round, a token of its own.
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
                ? StepResult.Checkpoint(state with { Operation = context.Operation with { NetworkInterfaceFree = true, LaunchRequested = true } })
                : StepResult.Wait($"network interface {eniId} to be available (it is {eni.Status})");
        }

        if (!context.Operation.LaunchRequested)
        {
            // The cursor is written before the side effect.
            return StepResult.Checkpoint(state with { Operation = context.Operation with { LaunchRequested = true } });
        }

        if (!context.JustCheckpointed)
        {
            var tagged = await TaggedInstances.LiveAsync(ec2, context.ManagedInstanceId, state.Generation, context.CancellationToken);
            if (tagged.FirstOrDefault(i => i.State?.Name?.Value is "pending" or "running") is { } launched)
            {
                return await AdoptAsync(context, launched, state.AvoidedPools);
            }

            if (tagged.FirstOrDefault() is { } going)
            {
                return await WaitGoneAsync(going, context.CancellationToken);
            }
        }

        var avoided = state.AvoidedPools;
        Exception? noCapacity = null;
        var dataSnapshots = SnapshotRules.BuildsVolumesOnLaunch(spec)
            ? spec.LaunchSpecification.BlockDeviceMappings.ToDictionary(b => b.DeviceName,
                b => state.LatestSnapshots.FirstOrDefault(s => s.DeviceName == b.DeviceName)?.SnapshotId, StringComparer.Ordinal)
            : null;
        var round = context.Operation.LaunchRound;
        foreach (var (subnetId, zone) in LaunchZones.For(spec, state))
        foreach (var candidate in PlacementRules.Candidates(spec, zone, avoided, context.Now))
        {
            var token = context.ClientToken($"launch-{candidate.InstanceType}-{candidate.Market}-{zone}" + (round > 0 ? $"-r{round}" : ""));
            var request = LaunchRequests.Build(context.ManagedInstanceId, state.Generation, spec, candidate, zone, state.NetworkInterfaceId, token,
                state.RootImages.LastOrDefault()?.ImageId, subnetId, dataSnapshots, context.ClusterId);
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
            catch (Amazon.EC2.AmazonEC2Exception exception) when (Ec2Errors.IsTokenOfTerminatedLaunch(exception))
            {
                // An earlier launch with this token (its answer lost) is terminated, and nothing of this generation runs (the
                // look for it found none): the next launch gets a token of its own, written before it is asked.
                return StepResult.Checkpoint(state with { AvoidedPools = avoided, Operation = context.Operation with { LaunchRound = round + 1 } });
            }

            var instance = response.Reservation?.Instances?.FirstOrDefault()
                ?? throw new SagaStepFailedException("RunInstances returned no instance");
            return await LaunchedAsync(context, instance.InstanceId, candidate, zone, avoided);
        }

        // Every allowed pool is out of capacity: remember which, and let the step retry with back-off.
        return StepResult.Fail(noCapacity ?? new SagaStepFailedException("the spec allows no instance type to launch"), state with { AvoidedPools = avoided });
    }

    /// <summary>
    /// An instance an earlier run launched (found by its tags) that stops or terminates before anything recorded it:
    /// its volumes are released only once it is terminated, so the launch waits for that (terminating a stopped one).
    /// </summary>
    private async Task<StepResult> WaitGoneAsync(Instance going, CancellationToken cancellationToken)
    {
        var goingState = going.State?.Name?.Value;
        if (goingState != "shutting-down")
        {
            await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [going.InstanceId] }, cancellationToken);
        }

        return StepResult.WaitForInstance($"instance {going.InstanceId}, launched by this operation and gone before it was recorded, "
            + $"to be terminated (it is {goingState})");
    }

    /// <summary>Takes an instance an earlier run launched (found by its tags) as this operation's new instance.</summary>
    private static Task<StepResult> AdoptAsync(StepContext context, Instance instance, IReadOnlyList<PoolAvoidance> avoided) =>
        LaunchedAsync(context, instance.InstanceId, TaggedInstances.CandidateOf(instance), instance.Placement?.AvailabilityZone ?? "", avoided);

    private static async Task<StepResult> LaunchedAsync(StepContext context, string instanceId, LaunchCandidate candidate, string zone,
        IReadOnlyList<PoolAvoidance> avoided)
    {
        var state = context.State;
        await context.Grains.GetGrain<IEc2InstanceGrain>(instanceId).SetOwnerAsync(context.ManagedInstanceId, state.Generation, context.CancellationToken);
        return StepResult.Done(state with
        {
            InstanceId = instanceId,
            InstanceType = candidate.InstanceType,
            Market = candidate.Market,
            AvoidedPools = avoided,
            Operation = context.Operation with { NewInstanceId = instanceId, LaunchedAt = context.Now, Placement = candidate.Pool(zone) },
        });
    }
}
