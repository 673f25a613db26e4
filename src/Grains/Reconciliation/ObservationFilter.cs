using Amazon.EC2.Model;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.Reconciliation;

/// <summary>Which observations are worth a managed instance's attention; pure.</summary>
public static class ObservationFilter
{
    /// <summary>
    /// Whether the managed instance could act on what EC2 shows: its instance is not running (or not listed), one of
    /// its volumes is not attached, or it runs on-demand with a strategy that may take it back to Spot. Anything else,
    /// it would answer "nothing to do", so it is not asked (and not woken).
    /// </summary>
    public static bool MayNeedAction(ManagedInstanceView view, Instance? instance)
    {
        if (instance?.State?.Name?.Value != "running")
        {
            return true;
        }

        var attached = (instance.BlockDeviceMappings ?? []).Select(b => b.Ebs?.VolumeId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (view.Volumes.Any(v => v.VolumeId is { } id && !attached.Contains(id)))
        {
            return true;
        }

        return view is { Market: "on-demand", Spec.Strategy: { LifeCycle: LifeCycle.Spot, RevertToSpot: not RevertToSpot.Never } };
    }
}
