using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>One (instance type, zone, market) pool: its capacity (null is unlimited) and the instances holding it.</summary>
internal sealed record PoolUsage(string InstanceType, string Zone, string Market, int? Capacity, int InUse)
{
    public int? Free => Capacity is { } c ? Math.Max(0, c - InUse) : null;
}

/// <summary>
/// Capacity pools: a launch or start needs free capacity in its (type, zone, market) pool, else
/// <c>InsufficientInstanceCapacity</c>. Capacity comes from the world file unless set at run time.
/// </summary>
internal sealed class CapacityOperations(Ec2Context ctx)
{
    public int? Capacity(EmulatorState state, string instanceType, string zone, string market) =>
        state.Ec2.CapacityOverrides.TryGetValue(Ec2State.PoolKey(instanceType, zone, market), out var overridden)
            ? overridden
            : ctx.Catalog.WorldCapacity(instanceType, zone, market);

    public PoolUsage Usage(EmulatorState state, string instanceType, string zone, string market) => new(
        instanceType, zone, market, Capacity(state, instanceType, zone, market),
        state.Ec2.Instances.Values.Count(i => i.InstanceType == instanceType && i.AvailabilityZone == zone && i.Market == market && i.HoldsCapacity));

    /// <summary>How many of <paramref name="min"/>..<paramref name="max"/> instances the pool takes; fewer than min is InsufficientInstanceCapacity.</summary>
    public int Fit(EmulatorState state, string instanceType, string zone, string market, int min, int max)
    {
        var free = Usage(state, instanceType, zone, market).Free;
        if (free is null || free >= max)
        {
            return max;
        }

        if (free < min)
        {
            throw Ec2Errors.InsufficientCapacity(
                instanceType, zone, market == Catalog.SpotMarket, ctx.Catalog.Zones.Select(z => z.Name).Where(z => z != zone));
        }

        return free.Value;
    }

    /// <summary>Sets a pool's capacity (null: unlimited). Returns the pool as it is now.</summary>
    public PoolUsage Set(EmulatorState state, string instanceType, string zone, string market, int? capacity)
    {
        _ = ctx.Catalog.FindInstanceType(instanceType) ?? throw new KeyNotFoundException($"Instance type '{instanceType}' is not in the world.");
        _ = ctx.Catalog.FindZone(zone) ?? throw new KeyNotFoundException($"Zone '{zone}' is not in the world.");
        if (market is not (Catalog.SpotMarket or Catalog.OnDemandMarket))
        {
            throw new ArgumentException($"Market '{market}' must be '{Catalog.SpotMarket}' or '{Catalog.OnDemandMarket}'.", nameof(market));
        }

        if (capacity is < 0)
        {
            throw new ArgumentException("Capacity must be null (unlimited) or >= 0.", nameof(capacity));
        }

        state.Ec2.CapacityOverrides[Ec2State.PoolKey(instanceType, zone, market)] = capacity;
        return Usage(state, instanceType, zone, market);
    }

    /// <summary>Every pool of the world.</summary>
    public IReadOnlyList<PoolUsage> All(EmulatorState state) =>
        (from type in ctx.Catalog.InstanceTypes
         from zone in ctx.Catalog.Zones
         from market in new[] { Catalog.SpotMarket, Catalog.OnDemandMarket }
         select Usage(state, type.Name, zone.Name, market)).ToList();
}
