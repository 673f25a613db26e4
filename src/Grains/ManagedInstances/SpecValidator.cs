using System.Text.RegularExpressions;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>The rules a spec must satisfy before anything is created. Pure; EC2-backed checks live in the grain.</summary>
public static partial class SpecValidator
{
    /// <summary>Every problem found, each a sentence that says what to fix. Empty when the spec is valid.</summary>
    public static IReadOnlyList<string> Validate(ManagedInstanceSpec? spec)
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

        if (!ImageId().IsMatch(launch.ImageId ?? ""))
        {
            problems.Add($"'launchSpecification.imageId' is '{launch.ImageId}', which is not an image id (ami-…).");
        }

        if (string.IsNullOrWhiteSpace(launch.InstanceType))
        {
            problems.Add("'launchSpecification.instanceType' is required.");
        }

        if (!DeviceName().IsMatch(launch.RootDeviceName ?? ""))
        {
            problems.Add($"'launchSpecification.rootDeviceName' is '{launch.RootDeviceName}', which is not a device name (/dev/xvda, /dev/sda1).");
        }

        if (launch.RootVolumeSizeGiB is < 1 or > 16384)
        {
            problems.Add($"'launchSpecification.rootVolumeSizeGiB' is {launch.RootVolumeSizeGiB}; it must be between 1 and 16384.");
        }

        ValidateDataVolumes(launch, problems);
        if (spec.Persistence.BlockDevicesMode != BlockDevicesMode.Reattach)
        {
            problems.Add($"'persistence.blockDevicesMode' is {spec.Persistence.BlockDevicesMode}; the supported value is reattach.");
        }

        if (spec.Strategy.DrainingTimeout is { } draining && draining < TimeSpan.Zero)
        {
            problems.Add("'strategy.drainingTimeout' must not be negative.");
        }

        return problems;
    }

    private static void ValidateDataVolumes(LaunchSpecification launch, List<string> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { launch.RootDeviceName ?? "" };
        foreach (var volume in launch.DataVolumes ?? [])
        {
            if (!DeviceName().IsMatch(volume.DeviceName ?? ""))
            {
                problems.Add($"A data volume has device name '{volume.DeviceName}'; use /dev/sdf … /dev/sdp or /dev/xvdb … /dev/xvdz.");
            }
            else if (!seen.Add(volume.DeviceName!))
            {
                problems.Add($"Device name '{volume.DeviceName}' is used twice; give each volume its own.");
            }

            if (volume.SizeGiB is < 1 or > 16384)
            {
                problems.Add($"Data volume '{volume.DeviceName}' has size {volume.SizeGiB} GiB; it must be between 1 and 16384.");
            }

            if (volume.VolumeType is not ("gp2" or "gp3" or "io1" or "io2" or "st1" or "sc1" or "standard"))
            {
                problems.Add($"Data volume '{volume.DeviceName}' has volume type '{volume.VolumeType}'; use gp3, gp2, io1, io2, st1, sc1 or standard.");
            }
        }
    }

    [GeneratedRegex("^subnet-[0-9a-f]{8,17}$")]
    private static partial Regex SubnetId();

    [GeneratedRegex("^ami-[0-9a-f]{8,17}$")]
    private static partial Regex ImageId();

    [GeneratedRegex("^/dev/(sd[a-z][0-9]?|xvd[a-z]{1,2}|nvme[0-9]+n1)$")]
    private static partial Regex DeviceName();
}
