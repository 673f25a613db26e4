using System.Globalization;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Ec2.Query;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>
/// EBS snapshots: <c>pending</c> with a progress linear in (scaled) time, then <c>completed</c>. The first snapshot of a
/// volume takes <see cref="EmulatorOptions.FirstSnapshotDuration"/>, later ones (incremental)
/// <see cref="EmulatorOptions.IncrementalSnapshotDuration"/>. A snapshot an image uses cannot be deleted.
/// </summary>
internal sealed class SnapshotOperations(Ec2Context ctx)
{
    public FilterFields<Snapshot> Filters { get; } = new FilterFields<Snapshot>(s => s.Tags)
        .Add("snapshot-id", s => s.SnapshotId)
        .Add("volume-id", s => s.VolumeId)
        .Add("status", s => s.State.ToWire())
        .Add("progress", s => s.Progress(ctx.Now))
        .Add("description", s => s.Description)
        .Add("volume-size", s => s.VolumeSize.ToString(CultureInfo.InvariantCulture))
        .Add("encrypted", s => s.Encrypted ? "true" : "false")
        .Add("owner-alias", s => s.OwnerAlias)
        .Add("owner-id", s => s.OwnerAlias is null ? ctx.Options.AccountId : Snapshot.AmazonOwnerId)
        .Add("storage-tier", _ => "standard")
        .Add("start-time", s => Xml.Ec2XmlWriter.Timestamp(s.StartTime));

    public Snapshot Create(EmulatorState state, string volumeId, string? description, Dictionary<string, string> tags)
    {
        var volume = ctx.Lookup.Volume(state, volumeId);
        if (volume.State is not (VolumeState.Available or VolumeState.InUse))
        {
            throw Ec2Errors.IncorrectState($"The volume '{volumeId}' is '{volume.State.ToWire()}'.");
        }

        var now = ctx.Now;
        var earlier = state.Ec2.Snapshots.Values.Where(s => s.VolumeId == volumeId && s.OwnerAlias is null).ToList();
        if (earlier.Any(s => s.State == SnapshotState.Pending && now - s.StartTime < ctx.Durations.SnapshotPerVolumeInterval))
        {
            throw Ec2Errors.SnapshotRateExceeded();
        }

        return Take(state, volume, description ?? "", tags, first: earlier.Count == 0 && !HasOwnLineage(state, volume));
    }

    /// <summary>
    /// A volume created from one of the account's own snapshots is snapshotted incrementally to it from the start, as
    /// EBS does (only the blocks changed since are copied); one created from a public snapshot, or empty, is not.
    /// </summary>
    private static bool HasOwnLineage(EmulatorState state, Volume volume) =>
        volume.SnapshotId is { } source && state.Ec2.Snapshots.TryGetValue(source, out var snapshot) && snapshot.OwnerAlias is null;

    /// <summary>A snapshot of <paramref name="volume"/> (CreateSnapshot, CreateImage); completes after its scaled duration.</summary>
    public Snapshot Take(EmulatorState state, Volume volume, string description, Dictionary<string, string> tags, bool? first = null)
    {
        var isFirst = first ?? (!state.Ec2.Snapshots.Values.Any(s => s.VolumeId == volume.VolumeId && s.OwnerAlias is null) && !HasOwnLineage(state, volume));
        var now = ctx.Now;
        var snapshot = new Snapshot
        {
            SnapshotId = ResourceIds.New("snap"),
            Sequence = state.Ec2.NextSequence(),
            VolumeId = volume.VolumeId,
            VolumeSize = volume.Size,
            State = SnapshotState.Pending,
            StartTime = now,
            CompletionTime = now + (isFirst ? ctx.Durations.FirstSnapshot : ctx.Durations.IncrementalSnapshot),
            Description = description,
            Encrypted = volume.Encrypted,
            Tags = tags,
        };
        state.Ec2.Snapshots[snapshot.SnapshotId] = snapshot;
        state.Timeline.Schedule(snapshot.CompletionTime, TransitionKind.SnapshotCompleted, snapshot.SnapshotId);
        return snapshot;
    }

    /// <summary>DescribeSnapshots: ids, owners (<c>self</c>, <c>amazon</c> or an account id), filters.</summary>
    public IReadOnlyList<Snapshot> Describe(EmulatorState state, IReadOnlyList<string> ids, IReadOnlyList<string> owners, IReadOnlyList<Ec2Filter> filters)
    {
        var matches = Filters.Compile(filters);
        var candidates = ids.Count > 0 ? ctx.Lookup.Snapshots(state, ids) : state.Ec2.Snapshots.Values.Where(ctx.Lookup.IsVisible);
        return candidates.Where(s => owners.Count == 0 || owners.Any(o => OwnedBy(s, o))).Where(matches).OrderBy(s => s.Sequence).ToList();
    }

    public void Delete(EmulatorState state, string snapshotId)
    {
        var snapshot = ctx.Lookup.Snapshot(state, snapshotId);
        if (state.Ec2.Images.Values.FirstOrDefault(i => i.SnapshotIds.Contains(snapshotId, StringComparer.Ordinal)) is { } image)
        {
            throw Ec2Errors.SnapshotInUse(snapshotId, image.ImageId);
        }

        if (snapshot.OwnerAlias is not null)
        {
            throw Ec2Errors.Unauthorized();
        }

        state.Ec2.Snapshots.Remove(snapshotId);
    }

    /// <summary>Timed: <c>pending → completed</c>.</summary>
    public static void OnCompleted(EmulatorState state, string snapshotId)
    {
        if (state.Ec2.Snapshots.TryGetValue(snapshotId, out var snapshot) && snapshot.State == SnapshotState.Pending)
        {
            snapshot.State = SnapshotState.Completed;
        }
    }

    private bool OwnedBy(Snapshot snapshot, string owner) => owner switch
    {
        "self" => snapshot.OwnerAlias is null,
        "amazon" => snapshot.OwnerAlias == "amazon",
        _ => owner == (snapshot.OwnerAlias is null ? ctx.Options.AccountId : Snapshot.AmazonOwnerId),
    };
}
