using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Ec2.Query;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>
/// RunInstances: validates everything first (image, type, counts, placement, interfaces, block devices, tags), then
/// creates the reservation: instances <c>pending</c>, their network interfaces and volumes attaching.
/// </summary>
internal sealed class InstanceLauncher(
    Ec2Context ctx, NetworkInterfaceOperations interfaces, VolumeOperations volumes, CapacityOperations capacity)
{
    public const string Action = "RunInstances";

    private static readonly string[] TaggableTypes = [TagSpecifications.Instance, TagSpecifications.Volume, TagSpecifications.NetworkInterface];
    private static readonly string[] AcceptedUntaggedTypes = ["spot-instances-request", "elastic-gpu"];

    public static IReadOnlyCollection<string> Taggable => TaggableTypes;

    public static IReadOnlyCollection<string> IgnoredTagTypes => AcceptedUntaggedTypes;

    public LaunchResult Launch(EmulatorState state, LaunchRequest request)
    {
        if (ClientTokens.Replay(state.Ec2, Action, request.ClientToken, request.Fingerprint) is { } replayed)
        {
            var earlier = replayed.Select(id => state.Ec2.Instances[id]).ToList();
            return earlier.All(i => i.State == InstanceStateName.Terminated)
                ? throw Ec2Errors.IdempotentInstanceTerminated()
                : new LaunchResult(earlier[0].ReservationId, earlier);
        }

        var image = ctx.Lookup.Image(state, request.ImageId ?? throw Ec2Errors.MissingParameter("ImageId"));
        var typeSpec = ctx.RequireInstanceType(request.InstanceType ?? throw Ec2Errors.MissingParameter("InstanceType"));
        var type = typeSpec.Name;
        ImageLaunchPlanner.CheckRunnable(image, type);
        var (minCount, maxCount) = Counts(request);
        var spot = Market(request);
        var plan = PlanNetwork(state, request, maxCount);
        if (!typeSpec.IsOfferedIn(plan.Subnet.Zone))
        {
            throw Ec2Errors.InstanceTypeNotOffered(type, plan.Subnet.Zone, ctx.Catalog.Zones.Select(z => z.Name).Where(typeSpec.IsOfferedIn));
        }

        var devices = new ImageLaunchPlanner(ctx).PlanVolumes(state, image, request.BlockDevices);
        var count = FitAddresses(state, plan, minCount, maxCount);
        count = capacity.Fit(state, type, plan.Subnet.Zone, spot ? Catalog.SpotMarket : Catalog.OnDemandMarket, minCount, count);

        var now = ctx.Now;
        var reservationId = ResourceIds.New(ResourceIds.Reservation);
        var launched = new List<Instance>();
        for (var index = 0; index < count; index++)
        {
            var instance = new Instance
            {
                InstanceId = ResourceIds.New(ResourceIds.Instance),
                ReservationId = reservationId,
                Sequence = state.Ec2.NextSequence(),
                AmiLaunchIndex = index,
                ImageId = image.ImageId,
                InstanceType = type,
                State = InstanceStateName.Pending,
                StateReasonCode = "pending",
                StateReasonMessage = "pending",
                LaunchTime = now,
                AvailabilityZone = plan.Subnet.Zone,
                SubnetId = plan.Subnet.SubnetId,
                VpcId = ctx.Catalog.VpcId,
                KeyName = request.KeyName,
                SecurityGroupIds = plan.SecurityGroupIds.ToList(),
                RootDeviceName = image.RootDeviceName,
                IsSpot = spot,
                SpotInstanceRequestId = spot ? ResourceIds.New(ResourceIds.SpotInstanceRequest) : null,
                ClientToken = request.ClientToken,
                Tags = request.Tags.For(TagSpecifications.Instance),
                DisableApiTermination = request.DisableApiTermination,
            };
            state.Ec2.Instances.Add(instance);

            foreach (var planned in plan.Interfaces)
            {
                if (planned.Existing is { } existing)
                {
                    NetworkInterfaceOperations.AttachAtLaunch(state, existing, instance, planned.DeviceIndex);
                }
                else
                {
                    interfaces.CreateForLaunch(
                        state, instance, planned.Subnet, planned.PrivateIpAddress, planned.DeviceIndex, planned.DeleteOnTermination,
                        planned.Description, planned.SecurityGroupIds, request.Tags.For(TagSpecifications.NetworkInterface));
                }
            }

            foreach (var device in devices)
            {
                volumes.CreateForLaunch(state, instance, device, request.Tags.For(TagSpecifications.Volume));
            }

            state.Timeline.Schedule(now + ctx.Durations.InstancePending, TransitionKind.InstanceRunning, instance.InstanceId);
            ctx.Events.StateChange(state, instance.InstanceId, InstanceStateName.Pending, now);
            launched.Add(instance);
        }

        ClientTokens.Record(state.Ec2, Action, request.ClientToken, request.Fingerprint, launched.Select(i => i.InstanceId).ToList());
        return new LaunchResult(reservationId, launched);
    }

    private static (int Min, int Max) Counts(LaunchRequest request)
    {
        var min = request.MinCount ?? throw Ec2Errors.MissingParameter("MinCount");
        var max = request.MaxCount ?? throw Ec2Errors.MissingParameter("MaxCount");
        if (min < 1)
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({min}) for parameter minCount is invalid. Expected a positive integer.");
        }

        if (max < min)
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({max}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount ({min}).");
        }

        return (min, max);
    }

    private static bool Market(LaunchRequest request)
    {
        switch (request.MarketType)
        {
            case null:
                return false;
            case "spot":
                if (request.InterruptionBehavior is not (null or "terminate"))
                {
                    throw Ec2Errors.InvalidParameterValue(
                        $"The emulator supports only InstanceInterruptionBehavior 'terminate', not '{request.InterruptionBehavior}'.");
                }

                if (request.SpotInstanceType is not (null or "one-time"))
                {
                    throw Ec2Errors.InvalidParameterCombination(
                        "A persistent Spot Instance request requires the InstanceInterruptionBehavior 'stop' or 'hibernate'.");
                }

                return true;
            default:
                throw Ec2Errors.InvalidValue(request.MarketType, "MarketType");
        }
    }

    private sealed record PlannedInterface(
        int DeviceIndex, NetworkInterface? Existing, SubnetInfo Subnet, string? PrivateIpAddress, bool DeleteOnTermination,
        string? Description, IReadOnlyList<string> SecurityGroupIds);

    private sealed record NetworkPlan(SubnetInfo Subnet, IReadOnlyList<PlannedInterface> Interfaces, IReadOnlyList<string> SecurityGroupIds);

    private NetworkPlan PlanNetwork(EmulatorState state, LaunchRequest request, int maxCount)
    {
        var zone = request.AvailabilityZone is { } requestedZone ? ctx.RequireZone(requestedZone) : null;
        var instanceGroups = request.SecurityGroupIds.Count > 0 ? request.SecurityGroupIds : [ctx.Catalog.DefaultSecurityGroupId];
        ctx.Catalog.RequireSecurityGroups(instanceGroups);
        if (request.NetworkInterfaces.Count == 0)
        {
            var subnet = request.SubnetId is { } subnetId
                ? ctx.RequireSubnet(subnetId)
                : ctx.Catalog.DefaultSubnetFor(zone?.Name ?? ctx.Catalog.Zones[0].Name);
            if (zone is not null && zone.Name != subnet.Zone)
            {
                throw Ec2Errors.InvalidParameterValue(
                    $"Value ({zone.Name}) for parameter availabilityZone is invalid. Subnet '{subnet.SubnetId}' is in the availability zone {subnet.Zone}");
            }

            if (request.PrivateIpAddress is { } ip)
            {
                RequireSingle(maxCount, "PrivateIpAddress");
                PrivateAddresses.Claim(state.Ec2, subnet, ip);
            }

            return new NetworkPlan(subnet, [new PlannedInterface(0, null, subnet, request.PrivateIpAddress, true, null, instanceGroups)], instanceGroups);
        }

        if (request.SubnetId is not null)
        {
            throw Ec2Errors.InvalidParameterCombination("Network interfaces and an instance-level subnet ID may not be specified on the same request");
        }

        if (request.SecurityGroupIds.Count > 0)
        {
            throw Ec2Errors.InvalidParameterCombination("Network interfaces and an instance-level security groups may not be specified on the same request");
        }

        if (request.PrivateIpAddress is not null)
        {
            throw Ec2Errors.InvalidParameterCombination("Network interfaces and an instance-level private IP address may not be specified on the same request");
        }

        var planned = new List<PlannedInterface>();
        foreach (var spec in request.NetworkInterfaces)
        {
            var deviceIndex = spec.DeviceIndex ?? throw Ec2Errors.InvalidParameterValue("Each network interface requires a device index.");
            if (planned.Any(p => p.DeviceIndex == deviceIndex))
            {
                throw Ec2Errors.InvalidParameterValue($"Each network interface requires a unique device index; {deviceIndex} is used twice.");
            }

            planned.Add(spec.NetworkInterfaceId is { } eniId
                ? PlanExisting(state, spec, eniId, deviceIndex, maxCount)
                : PlanNew(state, spec, deviceIndex, maxCount));
        }

        if (planned.Where(p => p.Existing is null && p.PrivateIpAddress is not null).GroupBy(p => p.PrivateIpAddress).Any(g => g.Count() > 1))
        {
            throw Ec2Errors.AddressInUse();
        }

        var primary = planned.FirstOrDefault(p => p.DeviceIndex == 0)
            ?? throw Ec2Errors.InvalidParameterValue("When specifying network interfaces, one must have device index 0.");
        if (planned.Any(p => p.Subnet.Zone != primary.Subnet.Zone))
        {
            throw Ec2Errors.InvalidParameterValue("All network interfaces of an instance must be in the same availability zone.");
        }

        if (zone is not null && zone.Name != primary.Subnet.Zone)
        {
            var what = primary.Existing is { } e ? $"Network interface '{e.NetworkInterfaceId}'" : $"Subnet '{primary.Subnet.SubnetId}'";
            throw Ec2Errors.InvalidParameterValue(
                $"Value ({zone.Name}) for parameter availabilityZone is invalid. {what} is in the availability zone {primary.Subnet.Zone}");
        }

        return new NetworkPlan(primary.Subnet, planned.OrderBy(p => p.DeviceIndex).ToList(), primary.SecurityGroupIds);
    }

    private PlannedInterface PlanExisting(EmulatorState state, LaunchInterface spec, string eniId, int deviceIndex, int maxCount)
    {
        if (spec.SubnetId is not null || spec.PrivateIpAddress is not null)
        {
            throw Ec2Errors.InvalidParameterCombination(
                "A network interface ID may not be specified together with a subnet ID or private IP address for the same interface.");
        }

        if (spec.DeleteOnTermination == true)
        {
            throw Ec2Errors.InvalidParameterValue(
                "DeleteOnTermination can be true only for a network interface created when launching the instance.");
        }

        RequireSingle(maxCount, "NetworkInterfaceId");
        var eni = ctx.Lookup.NetworkInterface(state, eniId);
        if (eni.Status != NetworkInterfaceStatus.Available || eni.Attachment is not null)
        {
            throw Ec2Errors.InterfaceInUseAtLaunch(eniId);
        }

        var subnet = ctx.RequireSubnet(eni.SubnetId);
        return new PlannedInterface(deviceIndex, eni, subnet, eni.PrivateIpAddress, false, eni.Description, eni.SecurityGroupIds);
    }

    private PlannedInterface PlanNew(EmulatorState state, LaunchInterface spec, int deviceIndex, int maxCount)
    {
        var subnet = ctx.RequireSubnet(spec.SubnetId ?? throw Ec2Errors.MissingParameter("NetworkInterface.SubnetId"));
        if (spec.PrivateIpAddress is { } ip)
        {
            RequireSingle(maxCount, "NetworkInterface.PrivateIpAddress");
            PrivateAddresses.Claim(state.Ec2, subnet, ip);
        }

        var groups = spec.SecurityGroupIds.Count > 0 ? spec.SecurityGroupIds : [ctx.Catalog.DefaultSecurityGroupId];
        ctx.Catalog.RequireSecurityGroups(groups);
        return new PlannedInterface(deviceIndex, null, subnet, spec.PrivateIpAddress, spec.DeleteOnTermination ?? true, spec.Description, groups);
    }

    private static void RequireSingle(int maxCount, string parameter)
    {
        if (maxCount > 1)
        {
            throw Ec2Errors.InvalidParameterCombination($"The parameter {parameter} can only be used when launching a single instance.");
        }
    }

    /// <summary>How many instances fit the free addresses of the subnets their new interfaces need (at least MinCount).</summary>
    private static int FitAddresses(EmulatorState state, NetworkPlan plan, int minCount, int maxCount)
    {
        var fit = maxCount;
        foreach (var perSubnet in plan.Interfaces.Where(p => p.Existing is null).GroupBy(p => p.Subnet))
        {
            var free = perSubnet.Key.Cidr.UsableCount - PrivateAddresses.UsedCount(state.Ec2, perSubnet.Key.SubnetId);
            fit = Math.Min(fit, free / perSubnet.Count());
            if (fit < minCount)
            {
                throw new Ec2Exception("InsufficientFreeAddressesInSubnet",
                    $"There are not enough free addresses in subnet '{perSubnet.Key.SubnetId}' to satisfy the requested number of instances.");
            }
        }

        return fit;
    }
}
