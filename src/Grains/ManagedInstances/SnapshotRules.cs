using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>Which volumes a managed instance snapshots, when, and which snapshots it keeps; pure.</summary>
public static class SnapshotRules
{
    /// <summary>Data volumes are rebuilt from their final snapshot through the launch block-device mapping.</summary>
    public static bool BuildsVolumesOnLaunch(ManagedInstanceSpec spec) =>
        spec.Persistence is { PersistBlockDevices: true, BlockDevicesMode: BlockDevicesMode.OnLaunch }
        && spec.LaunchSpecification.BlockDeviceMappings.Count > 0;

    /// <summary>Data volumes that are reattached as they are, unless the replacement lands in another AZ.</summary>
    public static bool ReattachesVolumes(ManagedInstanceSpec spec) =>
        spec.Persistence is { PersistBlockDevices: true, BlockDevicesMode: BlockDevicesMode.Reattach }
        && spec.LaunchSpecification.BlockDeviceMappings.Count > 0;

    /// <summary>Whether the spec's subnets lie in more than one AZ.</summary>
    public static bool SpansZones(ManagedInstanceState state) => state.Subnets.Select(s => s.AvailabilityZone).Distinct().Skip(1).Any();

    /// <summary>
    /// The devices snapshotted in the background every <see cref="SnapshotSpec.Interval"/>: the root with
    /// persistRootDevice, the data volumes in onLaunch mode, and reattached data volumes when the spec spans AZs (a
    /// move to another AZ rebuilds them from a snapshot). Reattached volumes in one AZ take none: they move as they are.
    /// </summary>
    public static IReadOnlyList<string> ContinuousDevices(ManagedInstanceSpec spec, bool spansZones = false)
    {
        var devices = new List<string>();
        if (spec.Persistence.PersistRootDevice)
        {
            devices.Add(spec.LaunchSpecification.RootDeviceName);
        }

        if (BuildsVolumesOnLaunch(spec) || (spansZones && ReattachesVolumes(spec)))
        {
            devices.AddRange(spec.LaunchSpecification.BlockDeviceMappings.Select(b => b.DeviceName));
        }

        return devices;
    }

    /// <summary>Whether a continuous snapshot pass is due: only while Active with nothing else running.</summary>
    public static bool IsDue(ManagedInstanceState state, DateTimeOffset now) =>
        state is { Spec: { } spec, Status: ManagedInstanceStatus.Active, Operation: null, InstanceId: not null }
        && ContinuousDevices(spec, SpansZones(state)).Count > 0
        && (state.LastSnapshotAt is not { } last || now - last >= spec.Snapshots.Interval);

    /// <summary>
    /// The snapshots to delete so that each device keeps at most <paramref name="retention"/>, newest first, counting
    /// the one about to be taken for the devices in <paramref name="aboutToTake"/>. The newest completed snapshot of a
    /// device always stays (a pending one may still fail), as do pending snapshots and those <paramref name="inUse"/>.
    /// </summary>
    public static IReadOnlyList<string> Superseded(IEnumerable<SnapshotFacts> snapshots, int retention, IReadOnlySet<string> inUse,
        IReadOnlySet<string>? aboutToTake = null)
    {
        var superseded = new List<string>();
        foreach (var device in snapshots.GroupBy(s => s.DeviceName, StringComparer.Ordinal))
        {
            var newestFirst = device.OrderByDescending(s => s.StartTime).ThenByDescending(s => s.SnapshotId, StringComparer.Ordinal).ToList();
            var slots = Math.Max(0, Math.Max(1, retention) - (aboutToTake?.Contains(device.Key) == true ? 1 : 0));
            var newestCompleted = newestFirst.FirstOrDefault(s => s.Completed);
            superseded.AddRange(newestFirst.Skip(slots)
                .Where(s => s.Completed && s != newestCompleted && !inUse.Contains(s.SnapshotId))
                .Select(s => s.SnapshotId));
        }

        return superseded;
    }
}

/// <summary>What pruning needs to know of one snapshot.</summary>
public sealed record SnapshotFacts(string SnapshotId, string DeviceName, DateTimeOffset StartTime, bool Completed);
