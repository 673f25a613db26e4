using System.Globalization;

namespace StatefulSpot.Emulator.Ec2.Model;

/// <summary>EBS snapshot states.</summary>
internal enum SnapshotState
{
    Pending = 0,
    Completed = 1,
    Error = 2,
}

/// <summary>An EBS snapshot: <c>pending</c> with a progress linear in time, then <c>completed</c>.</summary>
internal sealed class Snapshot
{
    public const string AmazonOwnerId = "137112412989";

    public required string SnapshotId { get; init; }

    public long Sequence { get; init; }

    public required string VolumeId { get; init; }

    public int VolumeSize { get; init; }

    public SnapshotState State { get; set; }

    public DateTimeOffset StartTime { get; init; }

    /// <summary>When a pending snapshot completes (and, once completed, when it did).</summary>
    public DateTimeOffset CompletionTime { get; set; }

    public string Description { get; init; } = "";

    public bool Encrypted { get; init; }

    /// <summary><c>amazon</c> for the world's image snapshots, null for the account's own.</summary>
    public string? OwnerAlias { get; init; }

    public Dictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);

    /// <summary><c>NN%</c>: <c>100%</c> when completed, else the elapsed share of the snapshot's duration (at most 99%).</summary>
    public string Progress(DateTimeOffset now)
    {
        if (State == SnapshotState.Completed)
        {
            return "100%";
        }

        var total = (CompletionTime - StartTime).TotalMilliseconds;
        var share = total <= 0 ? 0.99 : Math.Clamp((now - StartTime).TotalMilliseconds / total, 0, 0.99);
        return ((int)Math.Floor(share * 100)).ToString(CultureInfo.InvariantCulture) + "%";
    }
}
