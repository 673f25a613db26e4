namespace StatefulSpot.Grains;

/// <summary>How the managed-instance saga paces itself. Bound from configuration section <see cref="Section"/>.</summary>
public sealed class ManagedInstanceOptions
{
    public const string Section = "StatefulSpot:Saga";

    /// <summary>How often a running operation re-checks EC2 while it waits. Default 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a step that an EC2 state-change event ends (the old instance terminated, the new one running) looks at
    /// EC2 anyway, in case the event was lost; each wait is jittered by up to a quarter either way. Default 10 seconds.
    /// </summary>
    public TimeSpan EventFallbackInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First back-off after a failed step; doubles per attempt. Default 1 second.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest back-off between attempts of one step. Default 30 seconds.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed attempts of one step before the operation ends in Error. Default 8.</summary>
    public int MaxStepAttempts { get; set; } = 8;

    /// <summary>The region the cluster manages (set from the AWS clients' region); a spec that names another is refused.</summary>
    public string? Region { get; set; }

    /// <summary>Longest a step may wait for EC2 (instance running, volume attached…) before Error. Default 15 minutes.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Finished operations kept in a managed instance's history. Default 20.</summary>
    public int HistoryLength { get; set; } = 20;

    /// <summary>Recent notice ids remembered for de-duplication. Default 32.</summary>
    public int RecentNoticeCapacity { get; set; } = 32;

    /// <summary>How long a capacity pool that answered InsufficientInstanceCapacity or interrupted us is tried last. Default 3 minutes.</summary>
    public TimeSpan CapacityPoolAvoidance { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Period of the reminder that wakes a grain with an unfinished operation. Default 1 minute (the Orleans minimum).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The shortest <c>snapshots.interval</c> a spec may ask for. Default 1 minute; lower it only for tests and game days:
    /// EBS snapshots of a busy volume take longer than that.
    /// </summary>
    public TimeSpan MinimumSnapshotInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long before EC2's interruption a pre-staged recycle cuts over when the spec's <c>strategy.drainingTimeout</c>
    /// does not come sooner: the data volumes leave the old instance this long before EC2 would stop it, so that they
    /// are free (a detach takes 1-4 s) before its shutdown could hold them for 20 s or more. Default 10 seconds.
    /// </summary>
    public TimeSpan CutoverLead { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Problems with the values, each naming its key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Positive(PollInterval, nameof(PollInterval));
        Positive(RetryBaseDelay, nameof(RetryBaseDelay));
        Positive(EventFallbackInterval, nameof(EventFallbackInterval));
        Positive(StepTimeout, nameof(StepTimeout));
        Positive(CapacityPoolAvoidance, nameof(CapacityPoolAvoidance));
        Positive(MinimumSnapshotInterval, nameof(MinimumSnapshotInterval));
        if (CutoverLead < TimeSpan.Zero || CutoverLead >= ManagedInstances.NoticePolicy.InterruptionLead)
        {
            problems.Add($"{Section}:{nameof(CutoverLead)} must be at least 0 and less than the two-minute interruption warning; it is {CutoverLead}.");
        }
        if (RetryMaxDelay < RetryBaseDelay)
        {
            problems.Add($"{Section}:{nameof(RetryMaxDelay)} must be at least {nameof(RetryBaseDelay)}.");
        }

        if (MaxStepAttempts < 1)
        {
            problems.Add($"{Section}:{nameof(MaxStepAttempts)} must be at least 1.");
        }

        if (HistoryLength < 1 || RecentNoticeCapacity < 1)
        {
            problems.Add($"{Section}:{nameof(HistoryLength)} and {nameof(RecentNoticeCapacity)} must be at least 1.");
        }

        if (ReminderPeriod < TimeSpan.FromMinutes(1))
        {
            problems.Add($"{Section}:{nameof(ReminderPeriod)} must be at least 1 minute (the Orleans reminder minimum).");
        }

        return problems;

        void Positive(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{Section}:{key} must be a positive duration.");
            }
        }
    }
}
