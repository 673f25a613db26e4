using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

public static class NetworkRules
{
    /// <summary>Whether the managed instance keeps one primary ENI (and so one private IP) for its life.</summary>
    public static bool NeedsPersistentInterface(ManagedInstanceSpec spec) =>
        spec.Persistence.PersistPrivateIp || spec.Network.PrivateIp is not null || spec.Network.PrivateIpPool is not null;
}
