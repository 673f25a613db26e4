using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Controller.Bench;

/// <summary>
/// The persistence modes <c>single --persistence</c> measures, each a <see cref="PersistenceSpec"/> of the demo's
/// managed instance (the chaos suite's <c>ChaosMode</c> has the same four and two network variants).
/// </summary>
internal enum PersistenceMode
{
    /// <summary><c>reattach-eni</c>, the demo: the data volume reattached, the primary ENI (and so the private IP) kept.</summary>
    ReattachEni = 1,

    /// <summary><c>reattach</c>: the data volume reattached, no persistent ENI: the replacement is pre-staged during the warning.</summary>
    Reattach = 2,

    /// <summary><c>root-eni</c>: the root volume kept (a final snapshot and an AMI), the data volume reattached, the primary ENI kept.</summary>
    RootEni = 3,

    /// <summary><c>onlaunch</c>: the data volume rebuilt at launch from its final snapshot, no persistent ENI.</summary>
    OnLaunch = 4,
}

internal static class PersistenceModes
{
    public static readonly IReadOnlyList<PersistenceMode> All = [PersistenceMode.ReattachEni, PersistenceMode.Reattach, PersistenceMode.RootEni, PersistenceMode.OnLaunch];

    /// <summary>The mode's command-line name (and its name in the summary line).</summary>
    public static string Name(this PersistenceMode mode) => mode switch
    {
        PersistenceMode.ReattachEni => "reattach-eni",
        PersistenceMode.Reattach => "reattach",
        PersistenceMode.RootEni => "root-eni",
        PersistenceMode.OnLaunch => "onlaunch",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown persistence mode"),
    };

    public static PersistenceMode? Parse(string name) => All.Cast<PersistenceMode?>().FirstOrDefault(m => m!.Value.Name() == name);

    public static PersistenceSpec Spec(this PersistenceMode mode) => mode switch
    {
        PersistenceMode.ReattachEni => new PersistenceSpec { PersistPrivateIp = true, PersistBlockDevices = true, BlockDevicesMode = BlockDevicesMode.Reattach },
        PersistenceMode.Reattach => new PersistenceSpec { PersistBlockDevices = true, BlockDevicesMode = BlockDevicesMode.Reattach },
        PersistenceMode.RootEni => new PersistenceSpec
        {
            PersistPrivateIp = true, PersistRootDevice = true, PersistBlockDevices = true, BlockDevicesMode = BlockDevicesMode.Reattach,
        },
        PersistenceMode.OnLaunch => new PersistenceSpec { PersistBlockDevices = true, BlockDevicesMode = BlockDevicesMode.OnLaunch },
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown persistence mode"),
    };

    /// <summary>Whether the replacement keeps the private IP (a persistent primary ENI).</summary>
    public static bool KeepsPrivateIp(this PersistenceMode mode) => mode.Spec().PersistPrivateIp;

    /// <summary>
    /// Whether the mode snapshots a volume continuously while Active (the root for root-eni, the data volume for
    /// onlaunch): its recovery's final snapshot is incremental only once the first one exists.
    /// </summary>
    public static bool SnapshotsContinuously(this PersistenceMode mode) => mode is PersistenceMode.RootEni or PersistenceMode.OnLaunch;
}
