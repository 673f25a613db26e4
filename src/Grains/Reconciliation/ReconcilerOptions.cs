namespace StatefulSpot.Grains.Reconciliation;

/// <summary>The reconciliation loop. Bound from configuration section <see cref="Section"/>.</summary>
public sealed class ReconcilerOptions
{
    public const string Section = "StatefulSpot:Reconciler";

    /// <summary>Whether the loop runs. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between passes. Default 1 minute.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Instances per DescribeInstances page (5 to 1000). Default 500.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>
    /// How long a pass works from what it remembers of a settled managed instance before asking it again (an
    /// operation's end, or an update of its spec, makes it ask at once). Default 30 minutes.
    /// </summary>
    public TimeSpan ViewMaxAge { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How old an instance tagged as ours must be before a pass that finds no state recording it terminates it: a
    /// launch's answer may still be on its way, and EC2's lists are eventually consistent. Default 10 minutes.
    /// </summary>
    public TimeSpan UnrecordedGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often a pass also lists the images and root snapshots tagged as ours (a DescribeImages and a DescribeSnapshots
    /// per page for the whole account) and deletes those no state records, once older than <see cref="UnrecordedGrace"/>.
    /// Default 1 hour; zero turns the sweep off.
    /// </summary>
    public TimeSpan ArtifactSweepInterval { get; set; } = TimeSpan.FromHours(1);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Interval < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{Section}:{nameof(Interval)} must be at least 1 second.");
        }

        if (ViewMaxAge < TimeSpan.Zero)
        {
            problems.Add($"{Section}:{nameof(ViewMaxAge)} must not be negative.");
        }

        if (UnrecordedGrace < TimeSpan.Zero)
        {
            problems.Add($"{Section}:{nameof(UnrecordedGrace)} must not be negative.");
        }

        if (ArtifactSweepInterval < TimeSpan.Zero)
        {
            problems.Add($"{Section}:{nameof(ArtifactSweepInterval)} must not be negative (zero turns the sweep off).");
        }

        if (PageSize is < 5 or > 1000)
        {
            problems.Add($"{Section}:{nameof(PageSize)} must be between 5 and 1000 (EC2's MaxResults range).");
        }

        return problems;
    }
}
