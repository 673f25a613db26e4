using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>One way to launch: an instance type in a market.</summary>
public sealed record LaunchCandidate(string InstanceType, bool Spot)
{
    public string Market => Spot ? "spot" : "on-demand";

    public string Pool(string availabilityZone) => PlacementRules.Pool(InstanceType, availabilityZone, Market);
}

/// <summary>Where to launch next: preferred types, then the others, then on-demand when allowed; pure.</summary>
public static class PlacementRules
{
    /// <summary>How long a pool that just failed or interrupted us is avoided by default (as Karpenter does).</summary>
    public static readonly TimeSpan AvoidFor = TimeSpan.FromMinutes(3);

    public static string Pool(string instanceType, string availabilityZone, string market) => $"{instanceType}/{availabilityZone}/{market}";

    /// <summary>
    /// The launch candidates in order. Pools avoided at <paramref name="now"/> go last rather than away: trying a
    /// recently failed pool beats not launching at all.
    /// </summary>
    public static IReadOnlyList<LaunchCandidate> Candidates(ManagedInstanceSpec spec, string availabilityZone,
        IReadOnlyList<PoolAvoidance> avoided, DateTimeOffset now)
    {
        var types = spec.LaunchSpecification.InstanceTypes.Preferred
            .Concat(spec.LaunchSpecification.InstanceTypes.Others)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var candidates = new List<LaunchCandidate>();
        if (spec.Strategy.LifeCycle == LifeCycle.Spot)
        {
            candidates.AddRange(types.Select(t => new LaunchCandidate(t, Spot: true)));
        }

        if (spec.Strategy.LifeCycle == LifeCycle.OnDemand || spec.Strategy.FallbackToOnDemand)
        {
            candidates.AddRange(types.Select(t => new LaunchCandidate(t, Spot: false)));
        }

        var active = avoided.Where(a => a.Until > now).Select(a => a.Pool).ToHashSet(StringComparer.Ordinal);
        return [.. candidates.OrderBy(c => active.Contains(c.Pool(availabilityZone)) ? 1 : 0)];
    }

    /// <summary>The avoidance list with <paramref name="pool"/> added (or extended) and expired entries dropped.</summary>
    public static IReadOnlyList<PoolAvoidance> Avoid(IReadOnlyList<PoolAvoidance> avoided, string pool, DateTimeOffset now, TimeSpan? duration = null) =>
        [.. avoided.Where(a => a.Until > now && a.Pool != pool).Append(new PoolAvoidance(pool, now + (duration ?? AvoidFor)))];
}

/// <summary>When an instance that fell back to on-demand goes back to Spot; pure.</summary>
public static class RevertPolicy
{
    /// <summary>
    /// True when the managed instance runs on-demand only because Spot had no capacity, its strategy allows going back
    /// now, and no Spot pool of its preferred types failed recently (so the attempt is not doomed to fall back again).
    /// </summary>
    public static bool ShouldRevert(ManagedInstanceState state, DateTimeOffset now)
    {
        if (state is not { Spec: { } spec, Status: ManagedInstanceStatus.Active, Operation: null, Market: "on-demand", AvailabilityZone: { } zone }
            || spec.Strategy.LifeCycle != LifeCycle.Spot)
        {
            return false;
        }

        var allowedNow = spec.Strategy.RevertToSpot switch
        {
            RevertToSpot.Always => true,
            RevertToSpot.TimeWindow => OptimizationWindow.AnyContains(spec.Strategy.OptimizationWindows, now),
            _ => false,
        };
        var recentlyFailed = state.AvoidedPools.Where(a => a.Until > now).Select(a => a.Pool).ToHashSet(StringComparer.Ordinal);
        return allowedNow && spec.LaunchSpecification.InstanceTypes.Preferred
            .Any(type => !recentlyFailed.Contains(PlacementRules.Pool(type, zone, "spot")));
    }
}
