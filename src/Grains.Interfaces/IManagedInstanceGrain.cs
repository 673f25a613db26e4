using Orleans.Concurrency;

namespace StatefulSpot.Grains.Interfaces;

/// <summary>One managed instance, keyed by its id (smi-xxxxxxxx). Owns the spec, the status machine and the saga.</summary>
[Alias("statefulspot.IManagedInstanceGrain")]
public interface IManagedInstanceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Validates the spec and starts creating the instance. Repeating the call with the same spec returns
    /// the current view; a different spec for an existing id is rejected.
    /// </summary>
    [Alias("create")]
    Task<ManagedInstanceView> CreateAsync(ManagedInstanceSpec spec, CancellationToken cancellationToken = default);

    /// <summary>The current view; throws <see cref="ManagedInstanceNotFoundException"/> for an unknown id.</summary>
    [Alias("get"), ReadOnly, AlwaysInterleave]
    Task<ManagedInstanceView> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the spec. Launch settings apply at the next launch; changes that cannot be applied safely are rejected.</summary>
    [Alias("update")]
    Task<ManagedInstanceView> UpdateAsync(ManagedInstanceSpec spec, CancellationToken cancellationToken = default);

    /// <summary>
    /// Imports an existing EC2 instance: validates the request against EC2, derives the spec from the instance, and
    /// starts imaging it. Repeating the call for the same instance returns the current view.
    /// </summary>
    [Alias("import")]
    Task<ManagedInstanceView> ImportAsync(ImportRequest request, CancellationToken cancellationToken = default);

    /// <summary>Keeps volumes, network interface and IP, and terminates the compute. Allowed when Active or Error.</summary>
    [Alias("pause")]
    Task<ManagedInstanceView> PauseAsync(CancellationToken cancellationToken = default);

    /// <summary>Launches a new instance with the persisted resources. Allowed when Paused.</summary>
    [Alias("resume")]
    Task<ManagedInstanceView> ResumeAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the instance (pause, then resume) to apply a new spec or leave a bad host. Allowed when Active or Error.</summary>
    [Alias("recycle")]
    Task<ManagedInstanceView> RecycleAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the managed instance, taking with it what <paramref name="options"/> says.</summary>
    [Alias("delete")]
    Task<ManagedInstanceView> DeleteAsync(DeleteOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes one persisted data volume and removes its device from the spec. Allowed when Paused (the volume is
    /// detached then); repeating it for a device already gone is rejected with the device named.
    /// </summary>
    [Alias("delete-volume")]
    Task<ManagedInstanceView> DeleteVolumeAsync(string deviceName, CancellationToken cancellationToken = default);

    /// <summary>An EC2 signal about one of this managed instance's EC2 instances. Idempotent.</summary>
    [Alias("accept-notice")]
    Task AcceptNoticeAsync(Ec2Event notice, CancellationToken cancellationToken = default);

    /// <summary>
    /// What the reconciliation loop saw of the current instance. A vanished or stopped instance starts a recovery; a
    /// data volume no longer attached is attached again. Returns whether anything was done.
    /// </summary>
    [Alias("reconcile")]
    Task<bool> ReconcileAsync(InstanceObservation observation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether an instance tagged with this managed instance is one its state does not record (and no running
    /// operation may still adopt): a leftover the reconciliation loop may terminate. True when the managed instance
    /// does not exist.
    /// </summary>
    [Alias("is-unrecorded")]
    Task<bool> IsUnrecordedAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Of these images and root snapshots tagged with the managed instance, those its state does not record and that the
    /// reconciliation loop may delete: none while an operation runs, none of a deleted managed instance.
    /// </summary>
    [Alias("unrecorded-artifacts")]
    Task<UnrecordedArtifactIds> UnrecordedArtifactsAsync(IReadOnlyList<string> imageIds, IReadOnlyList<string> snapshotIds,
        CancellationToken cancellationToken = default);

    /// <summary>Makes sure an unfinished operation is being driven (used by the sweep after a restart).</summary>
    [Alias("wake")]
    Task WakeAsync(CancellationToken cancellationToken = default);
}

/// <summary>Images and snapshots no state records (<see cref="IManagedInstanceGrain.UnrecordedArtifactsAsync"/>).</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.unrecorded-artifact-ids")]
public sealed record UnrecordedArtifactIds([property: Id(0)] IReadOnlyList<string> ImageIds, [property: Id(1)] IReadOnlyList<string> SnapshotIds);
