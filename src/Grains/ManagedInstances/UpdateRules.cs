using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>Which spec changes can be applied to an existing managed instance; pure.</summary>
public static class UpdateRules
{
    /// <summary>Problems that forbid replacing <paramref name="current"/> with <paramref name="next"/>; empty when allowed.</summary>
    public static IReadOnlyList<string> Check(ManagedInstanceSpec current, ManagedInstanceSpec next)
    {
        var problems = new List<string>();
        if (current.Persistence != next.Persistence)
        {
            problems.Add("'persistence' cannot change on an existing managed instance; create a new one with the new persistence.");
        }

        if (current.Network.PrivateIp != next.Network.PrivateIp || current.Network.PrivateIpPool != next.Network.PrivateIpPool
            || current.Network.FloatingPrivateIp != next.Network.FloatingPrivateIp)
        {
            problems.Add("'network.privateIp', 'network.privateIpPool' and 'network.floatingPrivateIp' cannot change: the private IP is persisted.");
        }

        if (current.LaunchSpecification.RootDeviceName != next.LaunchSpecification.RootDeviceName)
        {
            problems.Add("'launchSpecification.rootDeviceName' cannot change.");
        }

        var kept = next.LaunchSpecification.BlockDeviceMappings.Select(b => b.DeviceName).ToHashSet(StringComparer.Ordinal);
        foreach (var removed in current.LaunchSpecification.BlockDeviceMappings.Where(b => !kept.Contains(b.DeviceName)))
        {
            problems.Add($"Block device '{removed.DeviceName}' holds a persisted volume and cannot be removed by an update.");
        }

        var before = current.LaunchSpecification.BlockDeviceMappings.ToDictionary(b => b.DeviceName, StringComparer.Ordinal);
        foreach (var changed in next.LaunchSpecification.BlockDeviceMappings.Where(b => before.TryGetValue(b.DeviceName, out var old) && old != b))
        {
            problems.Add($"Block device '{changed.DeviceName}' holds a persisted volume; its size and type cannot change by an update.");
        }

        return problems;
    }
}
