using System.Reflection;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

/// <summary>A grain factory that hands out in-memory volume grains by key; any other grain is a test bug.</summary>
internal static class FakeGrains
{
    public static IGrainFactory With(Dictionary<string, FakeVolumeGrain> volumes)
    {
        var factory = DispatchProxy.Create<IGrainFactory, Factory>();
        ((Factory)(object)factory).Volumes = volumes;
        return factory;
    }

    public class Factory : DispatchProxy
    {
        public Dictionary<string, FakeVolumeGrain> Volumes { get; set; } = [];

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && targetMethod.GetGenericArguments()[0] == typeof(IVolumeGrain)
                && args is [string key, ..]
                ? Volumes[key]
                : throw new NotSupportedException($"The step asked for {targetMethod}, which this fake does not have.");
    }
}

/// <summary>
/// An in-memory volume grain: its current volume (null: it holds none), snapshots it takes (pending until completed by
/// the test), relocations.
/// </summary>
internal sealed class FakeVolumeGrain(string deviceName, VolumeView? current) : IVolumeGrain
{
    private readonly Dictionary<string, SnapshotView> _snapshots = [];

    public VolumeView? Current { get; private set; } = current;

    public List<string> Calls { get; } = [];

    public void Complete(string snapshotId) => _snapshots[snapshotId] = _snapshots[snapshotId] with { State = "completed" };

    public Task<SnapshotView> SnapshotAsync(SnapshotRequest request, CancellationToken cancellationToken = default)
    {
        Calls.Add($"snapshot {request.VolumeId}");
        var snapshot = _snapshots.Values.FirstOrDefault(s => s.Progress == request.ClientToken)
            ?? new SnapshotView { SnapshotId = $"snap-{_snapshots.Count + 1}", VolumeId = request.VolumeId, State = "pending", Progress = request.ClientToken };
        _snapshots[snapshot.SnapshotId] = snapshot;
        return Task.FromResult(snapshot);
    }

    public Task<IReadOnlyList<SnapshotView>> DescribeSnapshotsAsync(IReadOnlyList<string> snapshotIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SnapshotView>>([.. snapshotIds.Select(id => _snapshots[id])]);

    public Task<VolumeView> RelocateAsync(VolumeRequest request, string snapshotId, CancellationToken cancellationToken = default)
    {
        Calls.Add($"relocate {snapshotId} {request.AvailabilityZone}");
        var relocated = new VolumeView { DeviceName = deviceName, VolumeId = $"vol-from-{snapshotId}", AvailabilityZone = request.AvailabilityZone, State = "creating" };
        Current = relocated;
        return Task.FromResult(relocated);
    }

    public Task<VolumeView?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(Current);

    /// <summary>How often the step asked for a fresh look at EC2.</summary>
    public int Refreshes { get; private set; }

    /// <summary>What a fresh look at EC2 finds; by default what the grain remembers.</summary>
    public VolumeView? Ec2View { get; set; }

    public Task<VolumeView> RefreshAsync(CancellationToken cancellationToken = default)
    {
        Refreshes++;
        Current = Ec2View ?? Current;
        return Task.FromResult(Current ?? throw new InvalidOperationException($"{deviceName} holds no volume to refresh."));
    }

    public Task<VolumeView> EnsureCreatedAsync(VolumeRequest request, CancellationToken cancellationToken = default) => throw Unused();

    public Task<VolumeView> AttachAsync(string instanceId, CancellationToken cancellationToken = default) => throw Unused();

    public Task<VolumeView> DetachAsync(string instanceId, bool force, CancellationToken cancellationToken = default)
    {
        Calls.Add(force ? $"force-detach {instanceId}" : $"detach {instanceId}");
        Current = (Current ?? throw new InvalidOperationException($"{deviceName} holds no volume to detach.")) with { AttachmentState = "detaching" };
        return Task.FromResult(Current);
    }

    public Task<VolumeView> AdoptAsync(string volumeId, CancellationToken cancellationToken = default) => throw Unused();

    public Task DeleteAsync(CancellationToken cancellationToken = default) => throw Unused();

    public Task DeleteFormerAsync(string volumeId, CancellationToken cancellationToken = default) => throw Unused();

    public Task<SnapshotView?> SnapshotContinuouslyAsync(SnapshotRequest request, SnapshotRetention retention, CancellationToken cancellationToken = default) =>
        throw Unused();

    private static NotSupportedException Unused() => new("The step tests do not make this call.");
}
