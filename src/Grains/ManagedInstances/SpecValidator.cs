using System.Text.RegularExpressions;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>The rules a spec must satisfy before anything is created. Pure; EC2-backed checks live in the grain.</summary>
public static partial class SpecValidator
{
    /// <summary>Every problem found, each a sentence that says what to fix. Empty when the spec is valid.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="minimumSnapshotInterval">The shortest snapshot interval allowed (1 minute unless configured).</param>
    /// <param name="region">The region the cluster manages; a spec that names another is refused. Null skips the check.</param>
    public static IReadOnlyList<string> Validate(ManagedInstanceSpec? spec, TimeSpan? minimumSnapshotInterval = null, string? region = null)
    {
        if (spec is null)
        {
            return ["A spec is required."];
        }

        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            problems.Add("'name' is required.");
        }

        ValidateText(spec, region, problems);
        if (spec.SubnetIds is not { Count: > 0 })
        {
            problems.Add("'subnetIds' needs at least one subnet id.");
        }
        else
        {
            foreach (var subnet in spec.SubnetIds.Where(s => !SubnetId().IsMatch(s ?? "")))
            {
                problems.Add($"'subnetIds' has '{subnet}', which is not a subnet id (subnet-…).");
            }
        }

        var launch = spec.LaunchSpecification;
        if (launch is null)
        {
            problems.Add("'launchSpecification' is required.");
            return problems;
        }

        ValidateLaunchText(launch, problems);

        if (!ImageId().IsMatch(launch.ImageId ?? ""))
        {
            problems.Add($"'launchSpecification.imageId' is '{launch.ImageId}', which is not an image id (ami-…).");
        }

        ValidateInstanceTypes(launch.InstanceTypes, problems);

        if (!DeviceName().IsMatch(launch.RootDeviceName ?? ""))
        {
            problems.Add($"'launchSpecification.rootDeviceName' is '{launch.RootDeviceName}', which is not a device name (/dev/xvda, /dev/sda1).");
        }

        if (launch.RootVolumeSizeGiB is < 1 or > 16384)
        {
            problems.Add($"'launchSpecification.rootVolumeSizeGiB' is {launch.RootVolumeSizeGiB}; it must be between 1 and 16384.");
        }

        ValidateDataVolumes(launch, problems);
        ValidatePersistence(spec.Persistence, problems);
        ValidateNetwork(spec.Network, problems);
        if (spec.Network.FloatingPrivateIp && spec.Persistence.PersistPrivateIp)
        {
            problems.Add("Set at most one of 'persistence.persistPrivateIp' (the same primary ENI for life) and 'network.floatingPrivateIp' "
                + "(a secondary IP that moves to each replacement).");
        }
        ValidateStrategy(spec.Strategy, problems);
        var shortest = minimumSnapshotInterval ?? TimeSpan.FromMinutes(1);
        if (spec.Snapshots.Interval < shortest)
        {
            problems.Add($"'snapshots.interval' is {spec.Snapshots.Interval}; it must be at least {shortest}.");
        }

        if (spec.Snapshots.Retention is < 1 or > 100)
        {
            problems.Add($"'snapshots.retention' is {spec.Snapshots.Retention}; keep between 1 and 100 snapshots.");
        }

        return problems;
    }

    private static void ValidateInstanceTypes(InstanceTypesSpec? types, List<string> problems)
    {
        if (types is not { Preferred.Count: > 0 })
        {
            problems.Add("'launchSpecification.instanceTypes.preferred' needs at least one instance type.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in types.Preferred.Concat(types.Others ?? []))
        {
            if (!InstanceTypeName().IsMatch(type ?? ""))
            {
                problems.Add($"'launchSpecification.instanceTypes' has '{type}', which is not an instance type (m5.large).");
            }
            else if (!seen.Add(type!))
            {
                problems.Add($"'launchSpecification.instanceTypes' lists '{type}' twice.");
            }
        }
    }

    private static void ValidatePersistence(PersistenceSpec persistence, List<string> problems)
    {
        if (!Enum.IsDefined(persistence.BlockDevicesMode))
        {
            problems.Add($"'persistence.blockDevicesMode' has the unknown value {(int)persistence.BlockDevicesMode}; use reattach or onLaunch.");
        }
    }

    private static void ValidateNetwork(NetworkSpec network, List<string> problems)
    {
        if (network.PrivateIp is not null && network.PrivateIpPool is not null)
        {
            problems.Add("Set at most one of 'network.privateIp' and 'network.privateIpPool'.");
        }

        if (network.PrivateIp is not null && !Ipv4.IsMatch(network.PrivateIp))
        {
            problems.Add($"'network.privateIp' is '{network.PrivateIp}', which is not an IPv4 address.");
        }

        if (network.FloatingPrivateIp && network.PrivateIpPool is not null)
        {
            problems.Add("'network.floatingPrivateIp' and 'network.privateIpPool' cannot be combined yet: give the floating address as "
                + "'network.privateIp', or leave it out to let EC2 choose one.");
        }

        if (network.PrivateIpPool is { Length: 0 })
        {
            problems.Add("'network.privateIpPool' must name a pool.");
        }

        if (network.ElasticIpAllocationId is not null && !ElasticIpAllocation().IsMatch(network.ElasticIpAllocationId))
        {
            problems.Add($"'network.elasticIp' is '{network.ElasticIpAllocationId}', which is not an allocation id (eipalloc-…).");
        }
    }

    private static void ValidateStrategy(StrategySpec strategy, List<string> problems)
    {
        if (!Enum.IsDefined(strategy.LifeCycle))
        {
            problems.Add($"'strategy.lifeCycle' has the unknown value {(int)strategy.LifeCycle}; use spot or onDemand.");
        }

        if (!Enum.IsDefined(strategy.RevertToSpot))
        {
            problems.Add($"'strategy.revertToSpot' has the unknown value {(int)strategy.RevertToSpot}; use never, always or timeWindow.");
        }

        if (!Enum.IsDefined(strategy.OnRebalanceRecommendation))
        {
            problems.Add($"'strategy.onRebalanceRecommendation' has the unknown value {(int)strategy.OnRebalanceRecommendation}; use ignore or recycle.");
        }

        if (strategy.DrainingTimeout is { } draining && draining < TimeSpan.Zero)
        {
            problems.Add("'strategy.drainingTimeout' must not be negative.");
        }

        foreach (var window in strategy.OptimizationWindows.Where(w => !OptimizationWindow.IsValid(w)))
        {
            problems.Add($"'strategy.optimizationWindows' has '{window}'; write windows as ddd:hh:mm-ddd:hh:mm in UTC, e.g. Sat:02:00-Sat:04:00.");
        }

        if (strategy.RevertToSpot == RevertToSpot.TimeWindow && strategy.OptimizationWindows.Count == 0)
        {
            problems.Add("'strategy.revertToSpot' timeWindow needs at least one 'strategy.optimizationWindows' entry.");
        }
    }

    private static void ValidateDataVolumes(LaunchSpecification launch, List<string> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { launch.RootDeviceName ?? "" };
        if (launch.BlockDeviceMappings is { Count: > MaxDataVolumes } many)
        {
            problems.Add($"'launchSpecification.blockDeviceMappings' has {many.Count} volumes; an instance takes at most {MaxDataVolumes} data volumes.");
            return;
        }

        foreach (var volume in launch.BlockDeviceMappings ?? [])
        {
            if (!DeviceName().IsMatch(volume.DeviceName ?? ""))
            {
                problems.Add($"A data volume has device name '{Printable(volume.DeviceName)}'; use /dev/sdf … /dev/sdp or /dev/xvdb … /dev/xvdz.");
            }
            else if (!seen.Add(volume.DeviceName!))
            {
                problems.Add($"Device name '{volume.DeviceName}' is used twice; give each volume its own.");
            }

            if (volume.VolumeSizeGiB is < 1 or > 16384)
            {
                problems.Add($"Data volume '{volume.DeviceName}' has size {volume.VolumeSizeGiB} GiB; it must be between 1 and 16384.");
            }

            if (volume.VolumeType is not ("gp2" or "gp3" or "io1" or "io2" or "st1" or "sc1" or "standard"))
            {
                problems.Add($"Data volume '{volume.DeviceName}' has volume type '{volume.VolumeType}'; use gp3, gp2, io1, io2, st1, sc1 or standard.");
            }
            else
            {
                ValidatePerformance(volume, problems);
            }
        }
    }

    private static void ValidatePerformance(BlockDeviceMappingSpec volume, List<string> problems)
    {
        switch (volume.VolumeType)
        {
            case "io1" or "io2" when volume.Iops is null:
                problems.Add($"Data volume '{volume.DeviceName}' is {volume.VolumeType}, which needs 'iops' ({(volume.VolumeType == "io1" ? "100 … 64000" : "100 … 256000")}).");
                break;
            case "io1" when volume.Iops is < 100 or > 64000:
                problems.Add($"Data volume '{volume.DeviceName}' has iops {volume.Iops}; io1 takes 100 … 64000.");
                break;
            case "io2" when volume.Iops is < 100 or > 256000:
                problems.Add($"Data volume '{volume.DeviceName}' has iops {volume.Iops}; io2 takes 100 … 256000.");
                break;
            case "gp3" when volume.Iops is < 3000 or > 80000:
                problems.Add($"Data volume '{volume.DeviceName}' has iops {volume.Iops}; gp3 takes 3000 … 80000.");
                break;
            case not ("io1" or "io2" or "gp3") when volume.Iops is not null:
                problems.Add($"Data volume '{volume.DeviceName}' sets 'iops', which {volume.VolumeType} does not take; remove it or use gp3, io1 or io2.");
                break;
        }

        if (volume.Throughput is not null && volume.VolumeType != "gp3")
        {
            problems.Add($"Data volume '{volume.DeviceName}' sets 'throughput', which only gp3 takes.");
        }
        else if (volume.Throughput is < 125 or > 2000)
        {
            problems.Add($"Data volume '{volume.DeviceName}' has throughput {volume.Throughput} MiB/s; gp3 takes 125 … 2000.");
        }
    }

    private static readonly Regex Ipv4 = Ipv4Address();

    [GeneratedRegex(@"^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\z")]
    private static partial Regex Ipv4Address();

    [GeneratedRegex("^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.[a-z0-9]+\\z")]
    private static partial Regex InstanceTypeName();

    [GeneratedRegex("^eipalloc-[0-9a-f]{8,17}\\z")]
    private static partial Regex ElasticIpAllocation();

    [GeneratedRegex("^subnet-[0-9a-f]{8,17}\\z")]
    private static partial Regex SubnetId();

    [GeneratedRegex("^ami-[0-9a-f]{8,17}\\z")]
    private static partial Regex ImageId();

    // EC2 names devices /dev/sd* and /dev/xvd*; /dev/nvme* is what the guest's kernel calls them, and EC2 refuses it.
    [GeneratedRegex("^/dev/(sd[a-z][0-9]?|xvd[a-z]{1,2})\\z")]
    private static partial Regex DeviceName();
}
