using System.Globalization;

namespace StatefulSpot.Controller.Bench;

/// <summary>
/// A moment known to lie between two readings: the condition did not hold at <paramref name="NotYet"/> and held at
/// <paramref name="Seen"/>. <see cref="Mid"/> is the estimate, <see cref="HalfWidth"/> its error bound.
/// </summary>
internal sealed record Edge(DateTimeOffset NotYet, DateTimeOffset Seen)
{
    public DateTimeOffset Mid => NotYet + ((Seen - NotYet) / 2);

    public TimeSpan HalfWidth => (Seen - NotYet) / 2;
}

/// <summary>One change of one resource between two readings.</summary>
internal sealed record ResourceChange(Edge When, string ResourceId, string State);

/// <summary>
/// The downtime of one recovery as the application sees it, from the emulator's readings alone (not what the saga
/// records): from the old instance no longer serving (it left <c>running</c>, or one of its data volumes is no longer
/// <c>attached</c> to it while it still runs: an early cutover detaching it) to the replacement serving (<c>running</c>,
/// every data volume <c>attached</c> to it, and the kept private IP on it when the mode keeps one).
/// </summary>
internal sealed record AppDowntimeResult(Edge? Start, Edge? End, string? Problem)
{
    /// <summary>End − start, real time (divide by the time scale for emulated seconds); null when an edge is missing.</summary>
    public TimeSpan? Real => Start is not null && End is not null ? End.Mid - Start.Mid : null;

    /// <summary>The error bound of <see cref="Real"/>: half of each edge's bracket.</summary>
    public TimeSpan? RealError => Start is not null && End is not null ? Start.HalfWidth + End.HalfWidth : null;
}

internal static class AppDowntime
{
    /// <summary>
    /// Finds the two edges in <paramref name="readings"/>: the first reading where the old instance no longer serves
    /// (the reading before it must show it serving), then the first from there where the replacement serves.
    /// </summary>
    public static AppDowntimeResult Measure(IReadOnlyList<WorldReading> readings, string oldInstanceId, IReadOnlyCollection<string> oldVolumeIds,
        string newInstanceId, IReadOnlyCollection<string> newVolumeIds, string? keptPrivateIp)
    {
        var stop = FirstIndex(readings, 0, r => !Serves(r, oldInstanceId, oldVolumeIds, null));
        if (stop < 0)
        {
            return new(null, null, $"the old instance {oldInstanceId} still served at the last of {readings.Count} readings");
        }

        if (stop == 0)
        {
            return new(null, null, $"the old instance {oldInstanceId} did not serve at the first reading (running with its data volumes attached)");
        }

        var start = new Edge(readings[stop - 1].TakenAt, readings[stop].TakenAt);
        var serve = FirstIndex(readings, stop, r => Serves(r, newInstanceId, newVolumeIds, keptPrivateIp));
        return serve < 0
            ? new(start, null, $"the replacement {newInstanceId} did not serve by the last of {readings.Count} readings")
            : new(start, new Edge(readings[serve - 1].TakenAt, readings[serve].TakenAt), null);
    }

    /// <summary>Running, with every one of <paramref name="volumeIds"/> attached to it (and <paramref name="privateIp"/> on it when given).</summary>
    public static bool Serves(WorldReading reading, string instanceId, IReadOnlyCollection<string> volumeIds, string? privateIp) =>
        reading.Instances.TryGetValue(instanceId, out var instance) && instance.State == "running"
        && (privateIp is null || instance.PrivateIp == privateIp)
        && volumeIds.All(v => reading.Volumes.TryGetValue(v, out var volume) && volume.AttachedTo == instanceId && volume.AttachmentState == "attached");

    /// <summary>Every change of every resource from one reading to the next, in order (appearing and disappearing included).</summary>
    public static List<ResourceChange> Changes(IReadOnlyList<WorldReading> readings)
    {
        var changes = new List<ResourceChange>();
        for (var i = 1; i < readings.Count; i++)
        {
            var before = Describe(readings[i - 1]);
            var now = Describe(readings[i]);
            var when = new Edge(readings[i - 1].TakenAt, readings[i].TakenAt);
            foreach (var (id, state) in now.Where(n => before.GetValueOrDefault(n.Key) != n.Value))
            {
                changes.Add(new ResourceChange(when, id, state));
            }

            changes.AddRange(before.Keys.Where(id => !now.ContainsKey(id)).Select(id => new ResourceChange(when, id, "gone")));
        }

        return changes;
    }

    /// <summary>The largest gap between two readings (the worst bracket any edge can have).</summary>
    public static TimeSpan LargestGap(IReadOnlyList<WorldReading> readings) =>
        readings.Count < 2 ? TimeSpan.Zero : readings.Zip(readings.Skip(1), (a, b) => b.TakenAt - a.TakenAt).Max();

    private static Dictionary<string, string> Describe(WorldReading reading)
    {
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, i) in reading.Instances)
        {
            states[id] = i.PrivateIp is null ? i.State : string.Create(CultureInfo.InvariantCulture, $"{i.State} ({i.PrivateIp})");
        }

        foreach (var (id, v) in reading.Volumes)
        {
            states[id] = v.AttachedTo is null ? v.State : $"{v.State}, {v.AttachmentState} to {v.AttachedTo}";
        }

        foreach (var (id, text) in reading.Others)
        {
            states[id] = text;
        }

        return states;
    }

    private static int FirstIndex(IReadOnlyList<WorldReading> readings, int from, Func<WorldReading, bool> holds)
    {
        for (var i = from; i < readings.Count; i++)
        {
            if (holds(readings[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
