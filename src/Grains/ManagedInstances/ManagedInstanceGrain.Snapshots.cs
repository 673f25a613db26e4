using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Ec2.Gateway;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances.Saga.Steps;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// Continuous snapshots: while Active, the root (persistRootDevice) and onLaunch data volumes are snapshotted every
/// <see cref="SnapshotSpec.Interval"/>, keeping <see cref="SnapshotSpec.Retention"/> per device. A grain timer paces
/// the passes; a reminder brings the grain back after its silo went away.
/// </summary>
public sealed partial class ManagedInstanceGrain
{
    private const string SnapshotReminderName = "snapshots";

    /// <summary>How soon after a managed instance becomes Active its first continuous snapshot pass runs.</summary>
    private static readonly TimeSpan FirstPassDelay = TimeSpan.FromSeconds(5);
    private IGrainTimer? _snapshotTimer;
    private TimeSpan _snapshotTimerPeriod;

    /// <summary>Starts, re-paces or stops the snapshot timer and reminder to match the spec and status.</summary>
    private async Task EnsureSnapshottingAsync()
    {
        if (State.Spec is null)
        {
            // An unknown id (a Get of a managed instance that does not exist): nothing to snapshot, nothing registered.
            return;
        }

        var interval = State.Spec is { } spec && SnapshotRules.ContinuousDevices(spec, SnapshotRules.SpansZones(State)).Count > 0
            && State.Status is not (ManagedInstanceStatus.Deleted or ManagedInstanceStatus.Error)
            ? spec.Snapshots.Interval
            : (TimeSpan?)null;
        if (interval is not { } every)
        {
            _snapshotTimer?.Dispose();
            _snapshotTimer = null;
            if (await this.GetReminder(SnapshotReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            return;
        }

        // A few ticks per interval, so a pass is never a whole interval late; ticks that are not due do nothing. A pass
        // that is due already (a new instance's volumes have none yet) comes soon: the final snapshot of an interruption
        // is then incremental to it, not a first, full one.
        var period = every / 4;
        var due = SnapshotRules.IsDue(State, time.GetUtcNow()) ? (period < FirstPassDelay ? period : FirstPassDelay) : period;
        if (_snapshotTimer is null || _snapshotTimerPeriod != period)
        {
            _snapshotTimer?.Dispose();
            _snapshotTimerPeriod = period;
            // The timer does not keep an idle managed instance in memory: the reminder brings it back for the next pass.
            _snapshotTimer = this.RegisterGrainTimer(SnapshotTickAsync, new GrainTimerCreationOptions { DueTime = due, Period = period, KeepAlive = false });
        }
        else if (due < period)
        {
            _snapshotTimer.Change(due, period);
        }

        var wake = every > _options.ReminderPeriod ? every : _options.ReminderPeriod;
        await this.RegisterOrUpdateReminder(SnapshotReminderName, wake, wake);
    }

    private async Task SnapshotTickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!SnapshotRules.IsDue(State, now))
        {
            return;
        }

        // The pass is recorded first: a crash part-way waits for the next interval rather than snapshotting again at once.
        store.State = State with { LastSnapshotAt = now };
        await store.WriteStateAsync(cancellationToken);
        var spec = State.Spec!;
        LogSnapshotPass(Id, string.Join(", ", SnapshotRules.ContinuousDevices(spec, SnapshotRules.SpansZones(State))));
        try
        {
            using (Ec2CallContext.Use(Ec2CallPriority.Snapshot, now + spec.Snapshots.Interval))
            {
                await SnapshotContinuouslyAsync(State, now, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogSnapshotPassFailed(Id, spec.Snapshots.Interval, Ec2Errors.Describe(exception));
        }
    }

    /// <summary>
    /// One pass: each continuous device's volume grain (the root's for the root device) takes a snapshot unless one is
    /// in progress, pruning its device's snapshots to the retention first.
    /// </summary>
    private async Task SnapshotContinuouslyAsync(ManagedInstanceState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var spec = state.Spec!;
        var inUse = CleanupVolumesStep.SnapshotsInUse(state).ToList();
        foreach (var device in SnapshotRules.ContinuousDevices(spec, SnapshotRules.SpansZones(state)))
        {
            var isRoot = device == spec.LaunchSpecification.RootDeviceName;
            var grain = GrainFactory.GetGrain<IVolumeGrain>(ResourceKeys.For(Id, isRoot ? ResourceKeys.RootVolume : device));
            if ((isRoot ? state.RootVolumeId : (await grain.GetAsync(cancellationToken))?.VolumeId) is not { } volumeId)
            {
                continue;
            }

            var token = $"{SagaPlan.ClientToken(Id, state.Generation, "snap" + device.Replace('/', '-'))}-{now.ToUnixTimeSeconds()}";
            await grain.SnapshotContinuouslyAsync(
                new SnapshotRequest
                {
                    VolumeId = volumeId,
                    ClientToken = token,
                    Description = $"StatefulSpot {Id} {device}, continuous",
                    Tags = ResourceTags.Snapshot(Id, token, device, state.Generation),
                },
                new SnapshotRetention { DeviceTag = device, Keep = spec.Snapshots.Retention, InUse = inUse },
                cancellationToken);
        }
    }
}
