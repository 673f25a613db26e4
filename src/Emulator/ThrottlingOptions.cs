namespace StatefulSpot.Emulator;

/// <summary>
/// EC2 API throttling (aws-wire.md section 3): one request token bucket per action, sized by the action's category
/// (non-mutating 100/20 per s, unfiltered and unpaginated Describe* 50/10, mutating 50/5, and the uncategorized
/// actions' own sizes such as RunInstances 5/2), plus the instance resource buckets of RunInstances, StartInstances
/// (1000/2) and TerminateInstances, StopInstances (1000/20). An empty bucket answers <c>503 RequestLimitExceeded</c>.
/// Bound from <c>Emulator:Throttling</c>.
/// </summary>
public sealed class ThrottlingOptions
{
    /// <summary>Whether EC2 calls are throttled at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Multiplies every bucket's size and refill rate (a bucket always holds at least one token). Default 1.0 (AWS's numbers).</summary>
    public double Scale { get; set; } = 1.0;

    /// <summary>
    /// Whether buckets refill per simulated second, i.e. <see cref="EmulatorOptions.TimeScale"/> 0.01 refills them 100x
    /// faster in real time, so a compressed world keeps AWS's rates relative to its own clock. Default true; turn it off
    /// to get AWS's rates in real time whatever the time scale.
    /// </summary>
    public bool RefillOnSimulatedClock { get; set; } = true;
}
