using System.Text.RegularExpressions;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Faults;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>
/// Finds resources by id the way EC2 answers: a malformed id is <c>…Malformed</c>, an unknown one <c>…NotFound</c>, and
/// during the eventual-consistency window (a fault) a resource created moments ago is not found yet either.
/// </summary>
internal sealed partial class Ec2Lookup(FaultInjector faults, SimulationClock clock)
{
    /// <summary>Whether a resource created at <paramref name="createdAt"/> has propagated (always, without the fault).</summary>
    public bool IsVisible(DateTimeOffset createdAt)
    {
        var window = faults.ConsistencyWindow;
        return window <= TimeSpan.Zero || clock.Now - createdAt >= window;
    }

    /// <summary>
    /// <see cref="IsVisible(DateTimeOffset)"/> with the window and the clock read once, for a Describe that tests every
    /// resource of the world.
    /// </summary>
    public Func<DateTimeOffset, bool> VisibleNow()
    {
        var window = faults.ConsistencyWindow;
        if (window <= TimeSpan.Zero)
        {
            return static _ => true;
        }

        var propagatedBefore = clock.Now - window;
        return createdAt => createdAt <= propagatedBefore;
    }

    public bool IsVisible(Instance i) => IsVisible(i.LaunchTime);

    public bool IsVisible(Volume v) => IsVisible(v.CreateTime);

    public bool IsVisible(NetworkInterface n) => IsVisible(n.CreateTime);

    public bool IsVisible(Snapshot s) => IsVisible(s.StartTime);

    public bool IsVisible(MachineImage i) => IsVisible(i.CreationDate);

    public bool IsVisible(ElasticAddress a) => IsVisible(a.AllocationTime);

    public Instance Instance(EmulatorState state, string id) => Instances(state, [id])[0];

    public IReadOnlyList<Instance> Instances(EmulatorState state, IReadOnlyList<string> ids) =>
        Find(state.Ec2.Instances, ids, IsVisible, "i", "InvalidInstanceID.Malformed", Ec2Errors.InstancesNotFound);

    public Volume Volume(EmulatorState state, string id) => Volumes(state, [id])[0];

    public IReadOnlyList<Volume> Volumes(EmulatorState state, IReadOnlyList<string> ids) =>
        Find(state.Ec2.Volumes, ids, IsVisible, "vol", "InvalidVolumeID.Malformed", Ec2Errors.VolumesNotFound);

    public NetworkInterface NetworkInterface(EmulatorState state, string id) => NetworkInterfaces(state, [id])[0];

    public IReadOnlyList<NetworkInterface> NetworkInterfaces(EmulatorState state, IReadOnlyList<string> ids) =>
        Find(state.Ec2.NetworkInterfaces, ids, IsVisible, "eni", "InvalidNetworkInterfaceId.Malformed", Ec2Errors.NetworkInterfacesNotFound);

    public Snapshot Snapshot(EmulatorState state, string id) => Snapshots(state, [id])[0];

    public IReadOnlyList<Snapshot> Snapshots(EmulatorState state, IReadOnlyList<string> ids) =>
        Find(state.Ec2.Snapshots, ids, IsVisible, "snap", "InvalidSnapshotID.Malformed", Ec2Errors.SnapshotsNotFound);

    public MachineImage Image(EmulatorState state, string id) => Images(state, [id])[0];

    public IReadOnlyList<MachineImage> Images(EmulatorState state, IReadOnlyList<string> ids) =>
        Find(state.Ec2.Images, ids, IsVisible, "ami", "InvalidAMIID.Malformed", Ec2Errors.ImagesNotFound);

    public ElasticAddress Address(EmulatorState state, string allocationId) =>
        Find(state.Ec2.Addresses, [allocationId], IsVisible, "eipalloc", "InvalidAllocationID.Malformed", ids => Ec2Errors.AllocationNotFound(ids[0]))[0];

    /// <summary>Whether <paramref name="id"/> has the shape <c>{prefix}-</c> and 8 to 17 lowercase hex digits.</summary>
    public static bool IsWellFormed(string id, string prefix) =>
        id.Length > prefix.Length + 1 && id.StartsWith(prefix + "-", StringComparison.Ordinal) && HexSuffix().IsMatch(id[(prefix.Length + 1)..]);

    private static IReadOnlyList<T> Find<T>(
        IReadOnlyDictionary<string, T> resources, IReadOnlyList<string> ids, Func<T, bool> visible, string prefix, string malformedCode,
        Func<IReadOnlyList<string>, Ec2Exception> notFound)
    {
        var found = new List<T>(ids.Count);
        var missing = new List<string>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (resources.TryGetValue(id, out var resource) && visible(resource))
            {
                found.Add(resource);
            }
            else if (!IsWellFormed(id, prefix))
            {
                throw Ec2Errors.Malformed(malformedCode, id, prefix);
            }
            else
            {
                missing.Add(id);
            }
        }

        return missing.Count > 0 ? throw notFound(missing) : found;
    }

    [GeneratedRegex("^[0-9a-f]{8,17}$")]
    private static partial Regex HexSuffix();
}
