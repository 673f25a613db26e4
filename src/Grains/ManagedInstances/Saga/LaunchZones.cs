using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga;

/// <summary>Where a launch may go.</summary>
public static class LaunchZones
{
    /// <summary>
    /// (subnet, AZ) pairs to try in order: the current AZ first; the spec's other AZs only when nothing pins the
    /// instance to its AZ (a persistent ENI does; volumes follow through snapshots).
    /// </summary>
    public static IReadOnlyList<(string SubnetId, string Zone)> For(ManagedInstanceSpec spec, ManagedInstanceState state)
    {
        var zone = state.AvailabilityZone!;
        var subnets = state.Subnets;
        if (subnets.Count == 0)
        {
            // State written before subnets were recorded: the first subnet, in the AZ it always had.
            return [(spec.SubnetIds[0], zone)];
        }

        // A floating IP cannot leave the subnet it was first given in (a fixed one is in the first subnet).
        var floatingSubnet = state.FloatingIpSubnetId ?? (spec.Network.PrivateIp is not null ? spec.SubnetIds[0] : null);
        if (NetworkRules.Floats(spec) && floatingSubnet is not null
            && subnets.FirstOrDefault(s => s.SubnetId == floatingSubnet) is { } home)
        {
            return [(home.SubnetId, home.AvailabilityZone)];
        }

        var zones = new List<(string, string)>();
        if (subnets.FirstOrDefault(s => s.AvailabilityZone == zone) is { } current)
        {
            zones.Add((current.SubnetId, zone));
        }

        // An ENI cannot leave its subnet.
        if (!NetworkRules.NeedsPersistentInterface(spec))
        {
            zones.AddRange(subnets.Where(s => s.AvailabilityZone != zone).DistinctBy(s => s.AvailabilityZone).Select(s => (s.SubnetId, s.AvailabilityZone)));
        }

        return zones;
    }
}
