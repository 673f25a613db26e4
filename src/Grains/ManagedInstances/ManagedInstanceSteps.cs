using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>What a step sees: the managed instance, its state, the clock reading and the grain's collaborators.</summary>
public sealed record StepContext(
    string ManagedInstanceId,
    ManagedInstanceState State,
    DateTimeOffset Now,
    IGrainFactory Grains,
    IPersistentState<ManagedInstanceState> Store,
    TimeSpan PoolAvoidance,
    CancellationToken CancellationToken)
{
    public SagaCursor Operation => State.Operation!;

    public ManagedInstanceSpec Spec => State.Spec!;

    public IVolumeGrain Volume(string deviceName) => Grains.GetGrain<IVolumeGrain>(ResourceKeys.For(ManagedInstanceId, deviceName));

    public INetworkInterfaceGrain NetworkInterface() => Grains.GetGrain<INetworkInterfaceGrain>(ResourceKeys.For(ManagedInstanceId, "eth0"));

    public string ClientToken(string step) => SagaPlan.ClientToken(ManagedInstanceId, State.Generation, step);
}

/// <summary>A step either finished (with the state it leaves) or waits for EC2, on something it polls or an event ends.</summary>
public readonly record struct StepResult(ManagedInstanceState? State, string? WaitingFor, WaitKind WaitKind = WaitKind.Poll)
{
    public static StepResult Done(ManagedInstanceState state) => new(state, null);

    public static StepResult Wait(string what) => new(null, what);

    /// <summary>Waits for an instance's state, which an EC2 state-change event reports: a slow poll is only the fallback.</summary>
    public static StepResult WaitForInstance(string what) => new(null, what, WaitKind.InstanceState);
}

/// <summary>A step failed in a way retrying cannot fix.</summary>
public sealed class SagaStepFailedException(string message) : Exception(message);

/// <summary>
/// The saga's steps. Each is idempotent and re-checks EC2 before acting, so re-running a step after a crash
/// is always safe; create calls carry client tokens derived from (managed instance, generation, step).
/// </summary>
public sealed partial class ManagedInstanceSteps(IEc2Api ec2)
{
    public Task<StepResult> ExecuteAsync(StepContext context) => context.Operation.Step switch
    {
        SagaStep.PrepareNetwork => PrepareNetworkAsync(context),
        SagaStep.EnsureVolumes => EnsureVolumesAsync(context),
        SagaStep.Launch => LaunchAsync(context),
        SagaStep.WaitRunning => WaitRunningAsync(context),
        SagaStep.AttachVolumes => AttachVolumesAsync(context),
        SagaStep.WaitAttached => WaitAttachedAsync(context),
        SagaStep.AssociateElasticIp => AssociateElasticIpAsync(context),
        SagaStep.WaitOldTerminated => WaitOldTerminatedAsync(context),
        SagaStep.WaitResourcesReleased => WaitResourcesReleasedAsync(context),
        SagaStep.DeleteVolumes => DeleteVolumesAsync(context),
        SagaStep.DeleteNetworkInterface => DeleteNetworkInterfaceAsync(context),
        SagaStep.ReleaseAddress => ReleaseAddressAsync(context),
        SagaStep.SnapshotRoot => SnapshotRootAsync(context),
        SagaStep.WaitRootSnapshot => WaitRootSnapshotAsync(context),
        SagaStep.RegisterRootImage => RegisterRootImageAsync(context),
        SagaStep.WaitRootImage => WaitRootImageAsync(context),
        SagaStep.CleanupRoot => CleanupRootAsync(context),
        SagaStep.DeleteRootArtifacts => DeleteRootArtifactsAsync(context),
        SagaStep.SnapshotVolumes => SnapshotVolumesAsync(context),
        SagaStep.WaitVolumeSnapshots => WaitVolumeSnapshotsAsync(context),
        SagaStep.CleanupVolumes => CleanupVolumesAsync(context),
        SagaStep.RelocateVolumes => RelocateVolumesAsync(context),
        SagaStep.ImageOriginal => ImageOriginalAsync(context),
        SagaStep.WaitOriginalImage => WaitOriginalImageAsync(context),
        var step => throw new SagaStepFailedException($"step {step} is unknown to this version"),
    };

    /// <summary>The spec's subnets with their AZs, the first one's AZ first; rejects unknown subnets and unsupported AZ spreads.</summary>
    public async Task<IReadOnlyList<SubnetZone>> ResolveZoneAsync(ManagedInstanceSpec spec, CancellationToken cancellationToken, string? importedFrom = null)
    {
        DescribeSubnetsResponse response;
        try
        {
            response = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [.. spec.SubnetIds] }, cancellationToken);
        }
        catch (Amazon.EC2.AmazonEC2Exception exception) when (Ec2Errors.Classify(exception) == Ec2ErrorKind.NotFound)
        {
            throw new InvalidSpecException([$"'subnetIds' names a subnet EC2 does not know: {exception.Message}"]);
        }

        var zones = (response.Subnets ?? []).Select(s => s.AvailabilityZone).Distinct().ToList();
        if (zones.Count == 0)
        {
            throw new InvalidSpecException(["'subnetIds' names no subnet EC2 knows."]);
        }

        if (zones.Count > 1 && NetworkRules.NeedsPersistentInterface(spec))
        {
            throw new InvalidSpecException([$"A persistent private IP (persistence.persistPrivateIp, network.privateIp or network.privateIpPool) pins the instance to one AZ, but 'subnetIds' spans {string.Join(", ", zones)}; keep subnets of one AZ."]);
        }

        await CheckInstanceTypesAsync(spec, zones, cancellationToken);
        var first = (response.Subnets ?? []).First(s => s.SubnetId == spec.SubnetIds[0]);
        if (spec.Network.PrivateIp is { } privateIp)
        {
            await CheckPrivateIpAsync(first, privateIp, importedFrom, cancellationToken);
        }

        return [.. spec.SubnetIds.Select(id => new SubnetZone(id, response.Subnets!.First(s => s.SubnetId == id).AvailabilityZone))];
    }

    /// <summary>Every instance type of the spec must be offered in at least one of its AZs; the message names what is not.</summary>
    private async Task CheckInstanceTypesAsync(ManagedInstanceSpec spec, IReadOnlyList<string> zones, CancellationToken cancellationToken)
    {
        var types = spec.LaunchSpecification.InstanceTypes.Preferred.Concat(spec.LaunchSpecification.InstanceTypes.Others)
            .Distinct(StringComparer.Ordinal).ToList();
        var offered = new HashSet<string>(StringComparer.Ordinal);
        string? nextToken = null;
        do
        {
            var page = await ec2.DescribeInstanceTypeOfferingsAsync(new DescribeInstanceTypeOfferingsRequest
            {
                LocationType = Amazon.EC2.LocationType.AvailabilityZone,
                Filters = [new Filter("location", [.. zones]), new Filter("instance-type", types)],
                NextToken = nextToken,
            }, cancellationToken);
            offered.UnionWith((page.InstanceTypeOfferings ?? []).Select(o => o.InstanceType.Value));
            nextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(nextToken));

        var missing = types.Where(t => !offered.Contains(t)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidSpecException([.. missing.Select(t =>
                $"'launchSpecification.instanceTypes' has '{t}', which EC2 does not offer in {string.Join(", ", zones)}; choose a type offered there.")]);
        }
    }

    /// <summary>
    /// A fixed private IP must lie in the first subnet, outside its reserved addresses, and be free (or held by the
    /// instance being imported, which gives it up when it is terminated).
    /// </summary>
    private async Task CheckPrivateIpAsync(Subnet subnet, string privateIp, string? importedFrom, CancellationToken cancellationToken)
    {
        if (!SubnetAddresses.IsAssignable(subnet.CidrBlock, privateIp))
        {
            throw new InvalidSpecException([$"'network.privateIp' {privateIp} is not an assignable address of {subnet.SubnetId} ({subnet.CidrBlock}); "
                + "AWS reserves the first four and the last address."]);
        }

        var taken = await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
        {
            Filters = [new Filter("subnet-id", [subnet.SubnetId]), new Filter("addresses.private-ip-address", [privateIp])],
        }, cancellationToken);
        if (taken.NetworkInterfaces?.Where(n => importedFrom is null || n.Attachment?.InstanceId != importedFrom).ToList() is { Count: > 0 } holders)
        {
            throw new InvalidSpecException([$"'network.privateIp' {privateIp} is already used by {holders[0].NetworkInterfaceId}; choose a free address."]);
        }
    }

    private static async Task<StepResult> PrepareNetworkAsync(StepContext context)
    {
        var spec = context.Spec;
        if (!NetworkRules.NeedsPersistentInterface(spec))
        {
            return StepResult.Done(context.State);
        }

        var privateIp = spec.Network.PrivateIp;
        if (spec.Network.PrivateIpPool is { } poolName)
        {
            privateIp = (await Pool(context, poolName).LeaseAsync(context.ManagedInstanceId, context.CancellationToken)).Address;
        }

        NetworkInterfaceView eni;
        try
        {
            eni = await CreateInterfaceAsync(context, privateIp);
        }
        catch (Amazon.EC2.AmazonEC2Exception exception) when (Ec2Errors.IsAddressInUse(exception) && spec.Network.PrivateIpPool is { } pool)
        {
            // Something outside the pool holds the address: quarantine it, take the next one, and let the step retry.
            await Pool(context, pool).ReportAddressInUseAsync(context.ManagedInstanceId, privateIp!, exception.Message, context.CancellationToken);
            throw;
        }

        return StepResult.Done(context.State with
        {
            NetworkInterfaceId = eni.NetworkInterfaceId,
            PrivateIp = eni.PrivateIp,
            AvailabilityZone = eni.AvailabilityZone,
        });
    }

    private static Task<NetworkInterfaceView> CreateInterfaceAsync(StepContext context, string? privateIp)
    {
        var spec = context.Spec;
        return context.NetworkInterface().EnsureCreatedAsync(new NetworkInterfaceRequest
        {
            SubnetId = spec.SubnetIds[0],
            ClientToken = context.ClientToken(privateIp is null ? "eni" : $"eni-{privateIp}"),
            PrivateIp = privateIp,
            SecurityGroupIds = spec.LaunchSpecification.SecurityGroupIds,
            Tags = ResourceTags(context, deviceName: "eth0"),
        }, context.CancellationToken);
    }

    private static IIpPoolGrain Pool(StepContext context, string poolName) => context.Grains.GetGrain<IIpPoolGrain>(poolName);

    private static async Task<StepResult> ReleaseAddressAsync(StepContext context)
    {
        if (context.Operation.DeleteOptions is not { ShouldDeleteNetworkInterfaces: true } || context.Spec.Network.PrivateIpPool is not { } poolName)
        {
            return StepResult.Done(context.State);
        }

        try
        {
            await Pool(context, poolName).ReleaseAsync(context.ManagedInstanceId, context.CancellationToken);
        }
        catch (IpPoolNotFoundException)
        {
            // No pool, no lease: releasing is done.
        }

        return StepResult.Done(context.State);
    }

    private static async Task<StepResult> EnsureVolumesAsync(StepContext context)
    {
        if (SnapshotRules.BuildsVolumesOnLaunch(context.Spec))
        {
            // onLaunch: the launch block-device mapping creates the volumes (from the final snapshots, if any).
            return StepResult.Done(context.State);
        }

        var volumes = new List<VolumeView>();
        foreach (var volume in context.Spec.LaunchSpecification.BlockDeviceMappings)
        {
            // A first volume comes from the device's snapshot when there is one (an imported instance's image), else empty.
            var request = VolumeRequestFor(context, volume, context.ClientToken("vol" + volume.DeviceName.Replace('/', '-'))) with
            {
                SnapshotId = context.State.LatestSnapshots.FirstOrDefault(s => s.DeviceName == volume.DeviceName)?.SnapshotId,
            };
            volumes.Add(await context.Volume(volume.DeviceName).EnsureCreatedAsync(request, context.CancellationToken));
        }

        return StepResult.Done(context.State with { Volumes = volumes });
    }

    private static VolumeRequest VolumeRequestFor(StepContext context, BlockDeviceMappingSpec volume, string clientToken) => new()
    {
        AvailabilityZone = context.State.AvailabilityZone!,
        SizeGiB = volume.VolumeSizeGiB,
        VolumeType = volume.VolumeType,
        Iops = volume.Iops,
        Throughput = volume.Throughput,
        ClientToken = clientToken,
        Tags = ResourceTags(context, volume.DeviceName),
    };

    private async Task<StepResult> LaunchAsync(StepContext context)
    {
        var eniId = context.State.NetworkInterfaceId;
        if (eniId is not null)
        {
            var eni = await context.NetworkInterface().RefreshAsync(context.CancellationToken);
            if (eni.Status != "available")
            {
                return StepResult.Wait($"network interface {eniId} to be available (it is {eni.Status})");
            }
        }

        var avoided = context.State.AvoidedPools;
        Exception? noCapacity = null;
        var dataSnapshots = SnapshotRules.BuildsVolumesOnLaunch(context.Spec)
            ? context.Spec.LaunchSpecification.BlockDeviceMappings.ToDictionary(b => b.DeviceName,
                b => context.State.LatestSnapshots.FirstOrDefault(s => s.DeviceName == b.DeviceName)?.SnapshotId, StringComparer.Ordinal)
            : null;
        foreach (var (subnetId, zone) in LaunchZones(context))
        foreach (var candidate in PlacementRules.Candidates(context.Spec, zone, avoided, context.Now))
        {
            var token = context.ClientToken($"launch-{candidate.InstanceType}-{candidate.Market}-{zone}");
            var request = LaunchRequests.Build(context.ManagedInstanceId, context.State.Generation, context.Spec, candidate, zone, eniId, token,
                context.State.RootImages.LastOrDefault()?.ImageId, subnetId, dataSnapshots);
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
                .SetOwnerAsync(context.ManagedInstanceId, context.State.Generation, context.CancellationToken);
            return StepResult.Done(context.State with
            {
                InstanceId = instance.InstanceId,
                InstanceType = candidate.InstanceType,
                Market = candidate.Market,
                AvoidedPools = avoided,
                Operation = context.Operation with
                {
                    NewInstanceId = instance.InstanceId,
                    LaunchedAt = context.Now,
                    Placement = candidate.Pool(zone),
                },
            });
        }

        // Every allowed pool is out of capacity: remember which, and let the step retry with back-off.
        context.Store.State = context.State with { AvoidedPools = avoided };
        await context.Store.WriteStateAsync(context.CancellationToken);
        throw noCapacity ?? new SagaStepFailedException("the spec allows no instance type to launch");
    }

    private async Task<StepResult> WaitRunningAsync(StepContext context)
    {
        var instanceId = context.Operation.NewInstanceId!;
        var instance = await DescribeInstanceAsync(instanceId, context.CancellationToken);
        var state = instance?.State?.Name?.Value;
        switch (state)
        {
            case null or "pending":
                return StepResult.WaitForInstance($"instance {instanceId} to be running (it is {state ?? "not yet visible"})");
            case "running":
                var volumes = context.State.Volumes;
                if (SnapshotRules.BuildsVolumesOnLaunch(context.Spec))
                {
                    if (await AdoptLaunchedVolumesAsync(context, instance!) is not { } launched)
                    {
                        return StepResult.Wait($"instance {instanceId} to report its data volumes");
                    }

                    volumes = launched;
                }

                return StepResult.Done(context.State with
                {
                    Volumes = volumes,
                    RootVolumeId = (instance!.BlockDeviceMappings ?? [])
                        .FirstOrDefault(b => b.DeviceName == context.Spec.LaunchSpecification.RootDeviceName)?.Ebs?.VolumeId ?? context.State.RootVolumeId,
                    PrivateIp = instance.PrivateIpAddress ?? context.State.PrivateIp,
                    AvailabilityZone = instance.Placement?.AvailabilityZone ?? context.State.AvailabilityZone,
                    Operation = context.Operation with { RunningAt = context.Now },
                });
            default:
                throw new SagaStepFailedException($"the new instance {instanceId} went to '{state}' before it was running");
        }
    }

    private static async Task<StepResult> AttachVolumesAsync(StepContext context)
    {
        var instanceId = context.Operation.NewInstanceId!;
        var volumes = new List<VolumeView>();
        foreach (var volume in context.Spec.LaunchSpecification.BlockDeviceMappings)
        {
            var grain = context.Volume(volume.DeviceName);
            var current = await grain.RefreshAsync(context.CancellationToken);
            if (current.State == "creating")
            {
                return StepResult.Wait($"volume {current.VolumeId} to be created");
            }

            volumes.Add(await grain.AttachAsync(instanceId, context.CancellationToken));
        }

        return StepResult.Done(context.State with { Volumes = volumes });
    }

    private static async Task<StepResult> WaitAttachedAsync(StepContext context)
    {
        var instanceId = context.Operation.NewInstanceId!;
        var volumes = new List<VolumeView>();
        foreach (var volume in context.Spec.LaunchSpecification.BlockDeviceMappings)
        {
            var current = await context.Volume(volume.DeviceName).RefreshAsync(context.CancellationToken);
            if (current.AttachedInstanceId != instanceId || current.AttachmentState != "attached")
            {
                return StepResult.Wait($"volume {current.VolumeId} to be attached to {instanceId} (it is {current.AttachmentState ?? current.State})");
            }

            volumes.Add(current);
        }

        return StepResult.Done(context.State with { Volumes = volumes, Operation = context.Operation with { AttachedAt = context.Now } });
    }

    private async Task<StepResult> WaitOldTerminatedAsync(StepContext context)
    {
        var operation = context.Operation;
        foreach (var leftover in operation.AlsoTerminate)
        {
            var leftoverState = (await DescribeInstanceAsync(leftover, context.CancellationToken))?.State?.Name?.Value;
            if (leftoverState is null or "terminated")
            {
                continue;
            }

            if (leftoverState != "shutting-down")
            {
                await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [leftover] }, context.CancellationToken);
            }

            return StepResult.WaitForInstance($"instance {leftover}, left by the superseded operation, to be terminated (it is {leftoverState})");
        }

        if (operation.OldInstanceId is not { } instanceId || operation.DeleteOptions is { ShouldTerminateInstance: false })
        {
            return StepResult.Done(context.State);
        }

        var instance = await DescribeInstanceAsync(instanceId, context.CancellationToken);
        var state = instance?.State?.Name?.Value;

        // An instance EC2 no longer knows is long gone: it was terminated before the notice reached us.
        if (state is null or "terminated")
        {
            return StepResult.Done(context.State with { Operation = operation with { OldTerminatedAt = context.Now } });
        }

        if (!operation.TerminateRequested && operation.DrainDeadline is { } deadline && context.Now >= deadline)
        {
            // The cursor is written before the side effect; TerminateInstances is idempotent anyway.
            context.Store.State = context.State with { Operation = operation with { TerminateRequested = true } };
            await context.Store.WriteStateAsync(context.CancellationToken);
            await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instanceId] }, context.CancellationToken);
        }

        return StepResult.WaitForInstance($"the old instance {instanceId} to be terminated (it is {state})");
    }

    private static async Task<StepResult> WaitResourcesReleasedAsync(StepContext context)
    {
        if (context.Operation.DeleteOptions is { ShouldTerminateInstance: false })
        {
            return StepResult.Done(context.State);
        }

        // Only volumes that exist can be waiting for release (an operation that failed early may have created none).
        var volumes = new List<VolumeView>();
        foreach (var volume in context.State.Volumes.Where(v => v.VolumeId is not null))
        {
            var current = await context.Volume(volume.DeviceName).RefreshAsync(context.CancellationToken);
            if (current.State != "available")
            {
                return StepResult.Wait($"volume {current.VolumeId} to be released (it is {current.State})");
            }

            volumes.Add(current);
        }

        if (context.State.NetworkInterfaceId is { } eniId)
        {
            var eni = await context.NetworkInterface().RefreshAsync(context.CancellationToken);
            if (eni.Status != "available")
            {
                return StepResult.Wait($"network interface {eniId} to be released (it is {eni.Status})");
            }
        }

        return StepResult.Done(context.State with { Volumes = volumes });
    }

    private async Task<StepResult> AssociateElasticIpAsync(StepContext context)
    {
        if (context.Spec.Network.ElasticIpAllocationId is not { } allocationId)
        {
            return StepResult.Done(context.State);
        }

        // AssociateAddress is idempotent; AllowReassociation moves the address off the instance it left behind.
        await ec2.AssociateAddressAsync(new AssociateAddressRequest
        {
            AllocationId = allocationId,
            InstanceId = context.Operation.NewInstanceId,
            AllowReassociation = true,
        }, context.CancellationToken);
        return StepResult.Done(context.State);
    }

    private async Task<StepResult> DeleteVolumesAsync(StepContext context)
    {
        if (context.Operation.DeleteOptions is not { ShouldDeleteVolumes: true })
        {
            return StepResult.Done(context.State);
        }

        foreach (var volume in context.State.Volumes)
        {
            await context.Volume(volume.DeviceName).DeleteAsync(context.CancellationToken);
        }

        // Volumes an interrupted operation had replaced (captured in a final snapshot, or moved to another AZ) go too,
        // and any detached volume of ours nothing recorded.
        foreach (var volumeId in context.State.StaleVolumeIds)
        {
            await IgnoreNotFoundAsync(() => ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volumeId }, context.CancellationToken));
        }

        await DeleteUntrackedVolumesAsync(context, keep: []);

        return StepResult.Done(context.State with { Volumes = [], StaleVolumeIds = [] });
    }

    private static async Task<StepResult> DeleteNetworkInterfaceAsync(StepContext context)
    {
        if (context.Operation.DeleteOptions is not { ShouldDeleteNetworkInterfaces: true } || context.State.NetworkInterfaceId is null)
        {
            return StepResult.Done(context.State);
        }

        await context.NetworkInterface().DeleteAsync(context.CancellationToken);
        return StepResult.Done(context.State with { NetworkInterfaceId = null });
    }

    /// <summary>
    /// Where a launch may go, as (subnet, AZ): the current AZ first; the spec's other AZs only when nothing pins the
    /// instance to its AZ (a persistent ENI or reattached volumes do).
    /// </summary>
    private static IEnumerable<(string SubnetId, string Zone)> LaunchZones(StepContext context)
    {
        var spec = context.Spec;
        var zone = context.State.AvailabilityZone!;
        var subnets = context.State.Subnets;
        if (subnets.Count == 0)
        {
            // State written before subnets were recorded: the first subnet, in the AZ it always had.
            yield return (spec.SubnetIds[0], zone);
            yield break;
        }

        if (subnets.FirstOrDefault(s => s.AvailabilityZone == zone) is { } current)
        {
            yield return (current.SubnetId, zone);
        }
        // Volumes follow through snapshots; an ENI cannot leave its subnet.
        if (NetworkRules.NeedsPersistentInterface(spec))
        {
            yield break;
        }

        foreach (var other in subnets.Where(s => s.AvailabilityZone != zone).DistinctBy(s => s.AvailabilityZone))
        {
            yield return (other.SubnetId, other.AvailabilityZone);
        }
    }

    private async Task<Instance?> DescribeInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, cancellationToken);
            return (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).FirstOrDefault(i => i.InstanceId == instanceId);
        }
        catch (Amazon.EC2.AmazonEC2Exception exception) when (Ec2Errors.Classify(exception) == Ec2ErrorKind.NotFound)
        {
            return null;
        }
    }

    private static Dictionary<string, string> ResourceTags(StepContext context, string deviceName) => new()
    {
        [TagKeys.Name] = $"{context.Spec.Name} {deviceName}",
        [TagKeys.ManagedInstance] = context.ManagedInstanceId,
        [TagKeys.Device] = deviceName,
    };
}
