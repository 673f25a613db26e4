using System.Globalization;
using System.Text.RegularExpressions;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Ec2.Query;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>CreateVolume's parameters.</summary>
internal sealed record CreateVolumeArgs(
    string? AvailabilityZone, int? Size, string? SnapshotId, string? VolumeType, int? Iops, int? Throughput, bool Encrypted,
    Dictionary<string, string> Tags, string? ClientToken, string Fingerprint);

/// <summary>Where a launch attaches a new volume.</summary>
internal sealed record LaunchVolume(
    string Device, int Size, string VolumeType, int? Iops, int? Throughput, string? SnapshotId, bool Encrypted, bool DeleteOnTermination);

/// <summary>
/// EBS volume rules and state machine: <c>creating → available ⇄ in-use</c>, attachments
/// <c>attaching → attached → detaching → (gone)</c>, and release when the instance terminates.
/// </summary>
internal sealed partial class VolumeOperations(Ec2Context ctx)
{
    public const string CreateAction = "CreateVolume";

    public static FilterFields<Volume> Filters { get; } = new FilterFields<Volume>(v => v.Tags)
        .Add("volume-id", v => v.VolumeId)
        .Add("status", v => v.State.ToWire())
        .Add("availability-zone", v => v.AvailabilityZone)
        .Add("size", v => v.Size.ToString(CultureInfo.InvariantCulture))
        .Add("snapshot-id", v => v.SnapshotId ?? "")
        .Add("volume-type", v => v.VolumeType)
        .Add("encrypted", v => v.Encrypted ? "true" : "false")
        .Add("attachment.instance-id", v => v.Attachment?.InstanceId)
        .Add("attachment.device", v => v.Attachment?.Device)
        .Add("attachment.status", v => v.Attachment?.State.ToWire())
        .Add("attachment.delete-on-termination", v => v.Attachment is { } a ? (a.DeleteOnTermination ? "true" : "false") : null);

    public Volume Create(EmulatorState state, CreateVolumeArgs args)
    {
        if (ClientTokens.Replay(state.Ec2, CreateAction, args.ClientToken, args.Fingerprint) is { } replayed)
        {
            return state.Ec2.Volumes.TryGetValue(replayed[0], out var original) ? original : throw Ec2Errors.VolumesNotFound(replayed);
        }

        var zone = ctx.RequireZone(args.AvailabilityZone ?? throw Ec2Errors.MissingParameter("AvailabilityZone"));
        if (args.Size is null && args.SnapshotId is null)
        {
            throw Ec2Errors.MissingParameter("size/snapshot");
        }

        var snapshot = args.SnapshotId is { } snapshotId ? ctx.Lookup.Snapshot(state, snapshotId) : null;
        var size = args.Size ?? snapshot!.VolumeSize;
        if (snapshot is not null && size < snapshot.VolumeSize)
        {
            throw Ec2Errors.InvalidParameterValue(
                $"Volume of size {size}GiB is smaller than snapshot '{snapshot.SnapshotId}', expect size >= {snapshot.VolumeSize}GiB");
        }

        var type = args.VolumeType ?? VolumeTypes.Default;
        var (iops, throughput) = VolumeTypes.Validate(type, size, args.Iops, args.Throughput);
        var now = ctx.Now;
        var volume = new Volume
        {
            VolumeId = ResourceIds.New(ResourceIds.Volume),
            Sequence = state.Ec2.NextSequence(),
            Size = size,
            VolumeType = type,
            Iops = iops,
            Throughput = throughput,
            SnapshotId = args.SnapshotId,
            AvailabilityZone = zone.Name,
            State = VolumeState.Creating,
            CreateTime = now,
            Encrypted = args.Encrypted || snapshot?.Encrypted == true,
            ClientToken = args.ClientToken,
            Tags = args.Tags,
        };
        state.Ec2.Add(volume);
        state.Timeline.Schedule(now + ctx.Durations.VolumeCreating, TransitionKind.VolumeAvailable, volume.VolumeId);
        ClientTokens.Record(state.Ec2, CreateAction, args.ClientToken, args.Fingerprint, [volume.VolumeId]);
        return volume;
    }

    /// <summary>A volume created by RunInstances: in-use at once, its attachment completes when the instance runs.</summary>
    public Volume CreateForLaunch(EmulatorState state, Instance instance, LaunchVolume spec, Dictionary<string, string> tags)
    {
        var volume = new Volume
        {
            VolumeId = ResourceIds.New(ResourceIds.Volume),
            Sequence = state.Ec2.NextSequence(),
            Size = spec.Size,
            VolumeType = spec.VolumeType,
            Iops = spec.Iops,
            Throughput = spec.Throughput,
            SnapshotId = spec.SnapshotId,
            AvailabilityZone = instance.AvailabilityZone,
            State = VolumeState.InUse,
            CreateTime = instance.LaunchTime,
            Encrypted = spec.Encrypted,
            Tags = tags,
            Attachment = new VolumeAttachment
            {
                Reference = Guid.NewGuid().ToString("N"),
                InstanceId = instance.InstanceId,
                Device = spec.Device,
                State = AttachmentState.Attaching,
                AttachTime = instance.LaunchTime,
                DeleteOnTermination = spec.DeleteOnTermination,
            },
        };
        state.Ec2.Add(volume);
        return volume;
    }

    public (IReadOnlyList<Volume> Page, string? NextToken) Describe(
        EmulatorState state, IReadOnlyList<string> ids, IReadOnlyList<Ec2Filter> filters, int? maxResults, string? nextToken)
    {
        var matches = Filters.Compile(filters);
        if (ids.Count > 0)
        {
            return Pagination.Apply(ctx.Lookup.Volumes(state, ids).Where(matches).OrderBy(v => v.Sequence).ToList(), maxResults, nextToken, 5, 500);
        }

        var visible = ctx.Lookup.VisibleNow();
        return Pagination.Ordered(
            state.Ec2.Volumes.Values, v => v.Sequence, v => visible(v.CreateTime) && matches(v), maxResults, nextToken, 5, 500);
    }

    public Volume Attach(EmulatorState state, string volumeId, string instanceId, string device)
    {
        var volume = ctx.Lookup.Volume(state, volumeId);
        var instance = ctx.Lookup.Instance(state, instanceId);
        if (volume.Attachment is not null)
        {
            throw Ec2Errors.VolumeInUse($"{volumeId} is already attached to an instance");
        }

        if (volume.State != VolumeState.Available)
        {
            throw Ec2Errors.IncorrectState($"Volume '{volumeId}' is in the '{volume.State.ToWire()}' state.");
        }

        if (instance.State is not (InstanceStateName.Running or InstanceStateName.Stopped))
        {
            throw Ec2Errors.IncorrectState($"Instance '{instanceId}' is not 'running'.");
        }

        if (volume.AvailabilityZone != instance.AvailabilityZone)
        {
            throw Ec2Errors.ZoneMismatch(volumeId, instanceId);
        }

        if (!DeviceNamePattern().IsMatch(device))
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({device}) for parameter device is invalid. {device} is not a valid EBS device name.");
        }

        if (device == instance.RootDeviceName || state.Ec2.VolumesAttachedTo(instanceId).Any(v => v.Attachment!.Device == device))
        {
            throw Ec2Errors.InvalidParameterValue($"Invalid value '{device}' for unixDevice. Attachment point {device} is already in use");
        }

        var now = ctx.Now;
        volume.State = VolumeState.InUse;
        state.Ec2.SetAttachment(volume, new VolumeAttachment
        {
            Reference = Guid.NewGuid().ToString("N"),
            InstanceId = instanceId,
            Device = device,
            State = AttachmentState.Attaching,
            AttachTime = now,
            DeleteOnTermination = false,
        });
        state.Timeline.Schedule(now + ctx.Durations.VolumeAttaching, TransitionKind.VolumeAttached, volumeId, volume.Attachment!.Reference);
        return volume;
    }

    /// <summary>
    /// DetachVolume. A volume marked stuck (a fault) stays <c>detaching</c> until a forced detach; <paramref name="force"/>
    /// also completes a detach already under way.
    /// </summary>
    public Volume Detach(EmulatorState state, string volumeId, string? instanceId, string? device, bool force)
    {
        var volume = ctx.Lookup.Volume(state, volumeId);
        var attachment = volume.Attachment;
        if (attachment is null)
        {
            if (instanceId is not null)
            {
                _ = ctx.Lookup.Instance(state, instanceId);
            }

            throw Ec2Errors.IncorrectState($"Volume '{volumeId}' is in the '{volume.State.ToWire()}' state.");
        }

        if ((instanceId is not null && instanceId != attachment.InstanceId) || (device is not null && device != attachment.Device))
        {
            throw Ec2Errors.InvalidAttachmentNotFound(volumeId, instanceId ?? attachment.InstanceId);
        }

        var instance = state.Ec2.Instances[attachment.InstanceId];
        if (attachment.Device == instance.RootDeviceName && instance.State != InstanceStateName.Stopped)
        {
            throw Ec2Errors.IncorrectState($"Unable to detach root volume '{volumeId}' from instance '{instance.InstanceId}'");
        }

        var alreadyDetaching = attachment.State == AttachmentState.Detaching;
        attachment.State = AttachmentState.Detaching;
        if (force)
        {
            volume.StuckDetaching = false;
        }

        if ((!alreadyDetaching || force) && !volume.StuckDetaching)
        {
            ScheduleDetached(state, volume);
        }

        return volume;
    }

    /// <summary>Completes the detach of a volume that was stuck (faults cleared).</summary>
    public void Unstick(EmulatorState state, Volume volume)
    {
        volume.StuckDetaching = false;
        if (volume.Attachment is { State: AttachmentState.Detaching })
        {
            ScheduleDetached(state, volume);
        }
    }

    public void Delete(EmulatorState state, string volumeId)
    {
        var volume = ctx.Lookup.Volume(state, volumeId);
        if (volume.Attachment is { } attachment)
        {
            throw Ec2Errors.VolumeInUse($"Volume {volumeId} is currently attached to {attachment.InstanceId}");
        }

        if (volume.State != VolumeState.Available)
        {
            throw Ec2Errors.IncorrectState($"The volume '{volumeId}' is '{volume.State.ToWire()}'.");
        }

        state.Ec2.Remove(volume);
    }

    /// <summary>Timed: <c>creating → available</c>.</summary>
    public static void OnCreated(EmulatorState state, string volumeId)
    {
        if (state.Ec2.Volumes.TryGetValue(volumeId, out var volume) && volume.State == VolumeState.Creating)
        {
            volume.State = VolumeState.Available;
        }
    }

    /// <summary>Timed: attachment <c>attaching → attached</c>.</summary>
    public static void OnAttached(EmulatorState state, string volumeId, string? reference)
    {
        if (state.Ec2.Volumes.TryGetValue(volumeId, out var volume)
            && volume.Attachment is { State: AttachmentState.Attaching } attachment && attachment.Reference == reference)
        {
            attachment.State = AttachmentState.Attached;
        }
    }

    /// <summary>Timed: attachment <c>detaching → (gone)</c>, volume <c>available</c>.</summary>
    public static void OnDetached(EmulatorState state, string volumeId, string? reference)
    {
        if (state.Ec2.Volumes.TryGetValue(volumeId, out var volume)
            && volume.Attachment is { State: AttachmentState.Detaching } attachment && attachment.Reference == reference)
        {
            state.Ec2.SetAttachment(volume, null);
            volume.State = VolumeState.Available;
        }
    }

    /// <summary>The launch-time attachments of an instance complete when it starts running.</summary>
    public static void OnInstanceRunning(EmulatorState state, string instanceId)
    {
        foreach (var volume in state.Ec2.VolumesAttachedTo(instanceId))
        {
            if (volume.Attachment!.State == AttachmentState.Attaching)
            {
                volume.Attachment.State = AttachmentState.Attached;
            }
        }
    }

    /// <summary>At <c>terminated</c>: DeleteOnTermination volumes are deleted, the others become <c>available</c>.</summary>
    public static void ReleaseFromTerminated(EmulatorState state, string instanceId)
    {
        foreach (var volume in state.Ec2.VolumesAttachedTo(instanceId).ToList())
        {
            if (volume.Attachment!.DeleteOnTermination)
            {
                state.Ec2.Remove(volume);
            }
            else
            {
                state.Ec2.SetAttachment(volume, null);
                volume.State = VolumeState.Available;
            }
        }
    }

    private void ScheduleDetached(EmulatorState state, Volume volume) => state.Timeline.Schedule(
        ctx.Now + ctx.Durations.VolumeDetaching, TransitionKind.VolumeDetached, volume.VolumeId, volume.Attachment!.Reference);

    [GeneratedRegex("^(/dev/)?((sd|xvd)[a-z]{1,2}[0-9]{0,2}|hd[a-z])$")]
    private static partial Regex DeviceNamePattern();
}
