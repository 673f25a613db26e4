using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

public static class NetworkRules
{
    /// <summary>Whether the managed instance keeps one primary ENI (and so one private IP) for its life.</summary>
    public static bool NeedsPersistentInterface(ManagedInstanceSpec spec) =>
        spec.Persistence.PersistPrivateIp || (spec.Network.PrivateIp is not null && !spec.Network.FloatingPrivateIp) || spec.Network.PrivateIpPool is not null;

    /// <summary>Whether the stable private IP is a secondary IP moved from instance to instance.</summary>
    public static bool Floats(ManagedInstanceSpec spec) => spec.Network.FloatingPrivateIp;
}
