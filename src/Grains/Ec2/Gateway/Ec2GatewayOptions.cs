namespace StatefulSpot.Grains.Ec2.Gateway;

/// <summary>
/// The silo's EC2 gateway: how much of the account's EC2 API budget StatefulSpot may use, and how describes are
/// coalesced. Bound from configuration section <see cref="Section"/>.
/// </summary>
public sealed class Ec2GatewayOptions
{
    public const string Section = "StatefulSpot:Ec2";

    /// <summary>
    /// The share of each of the account's EC2 API token buckets (AWS's defaults, per action) that StatefulSpot may use,
    /// divided evenly across the live silos; the rest is left to the user's other tools. Default 0.5.
    /// </summary>
    public double BudgetShare { get; set; } = 0.5;

    /// <summary>
    /// Multiplies every bucket's size and rate. Keep 1 against AWS. Only for an emulator whose throttling refills on a
    /// compressed clock (the emulator at TimeScale 0.1 refills 10x faster, so 10 keeps the same physics); local mode
    /// sets it from its emulator. Default 1.
    /// </summary>
    public double BudgetMultiplier { get; set; } = 1;

    /// <summary>
    /// Per-action bucket sizes for an account whose limits AWS raised, e.g. <c>Limits:RunInstances:Capacity=20</c>;
    /// before <see cref="BudgetShare"/> is applied. Default: none (AWS's defaults).
    /// </summary>
    public Dictionary<string, Ec2BucketLimit> Limits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a describe by id waits for others to join it in one call. Default 50 ms.</summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The most ids in one coalesced describe call. Default 200.</summary>
    public int MaxIdsPerCall { get; set; } = 200;

    /// <summary>
    /// The longest one call waits in the budget queue (or retries a throttle) before the caller is told to come back
    /// later; below Orleans' 30-second grain call timeout. Default 10 seconds.
    /// </summary>
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the number of live silos is read again to divide the budget. Default 10 seconds.</summary>
    public TimeSpan SiloCountRefresh { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often each silo reports its demand per bucket and takes its share back (<see cref="BudgetShares"/>): the
    /// budget follows the work, not the silo count. A silo silent for ten intervals holds no share. Default 1 second.
    /// </summary>
    public TimeSpan ShareRefresh { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The part of each bucket split evenly whatever the demand, so an idle silo can start at once. Default 0.1.</summary>
    public double ShareFloor { get; set; } = 0.1;

    /// <summary>Problems with the values, each naming its key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!(BudgetShare > 0 && BudgetShare <= 1))
        {
            problems.Add($"{Section}:{nameof(BudgetShare)} must be more than 0 and at most 1 (a share of the account's EC2 API budget).");
        }

        if (!(BudgetMultiplier >= 1 && BudgetMultiplier <= 10_000))
        {
            problems.Add($"{Section}:{nameof(BudgetMultiplier)} must be between 1 and 10000 (1 against AWS).");
        }

        if (CoalesceWindow < TimeSpan.Zero || CoalesceWindow > TimeSpan.FromSeconds(5))
        {
            problems.Add($"{Section}:{nameof(CoalesceWindow)} must be between 0 and 5 seconds.");
        }

        if (MaxIdsPerCall is < 1 or > 1000)
        {
            problems.Add($"{Section}:{nameof(MaxIdsPerCall)} must be between 1 and 1000.");
        }

        if (MaxQueueWait <= TimeSpan.Zero || MaxQueueWait > TimeSpan.FromSeconds(25))
        {
            problems.Add($"{Section}:{nameof(MaxQueueWait)} must be positive and at most 25 seconds (below the grain call timeout).");
        }

        if (SiloCountRefresh <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:{nameof(SiloCountRefresh)} must be a positive duration.");
        }

        if (ShareRefresh <= TimeSpan.Zero || ShareRefresh > TimeSpan.FromSeconds(30))
        {
            problems.Add($"{Section}:{nameof(ShareRefresh)} must be positive and at most 30 seconds.");
        }

        if (!(ShareFloor >= 0 && ShareFloor <= 1))
        {
            problems.Add($"{Section}:{nameof(ShareFloor)} must be between 0 and 1.");
        }

        foreach (var (action, limit) in Limits)
        {
            if (!(limit.Capacity >= 1) || !(limit.RefillPerSecond > 0))
            {
                problems.Add($"{Section}:{nameof(Limits)}:{action} needs a Capacity of at least 1 and a positive RefillPerSecond.");
            }
        }

        return problems;
    }
}

/// <summary>One EC2 API token bucket: its burst (capacity) and sustained rate (refill per second).</summary>
public sealed class Ec2BucketLimit
{
    public double Capacity { get; set; }

    public double RefillPerSecond { get; set; }
}
