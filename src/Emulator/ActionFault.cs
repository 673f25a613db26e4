namespace StatefulSpot.Emulator;

/// <summary>
/// A fault injected into one EC2 action (or every one, with <see cref="AnyAction"/>): with probability
/// <see cref="ErrorRate"/> the call answers <see cref="ErrorCode"/> (at most <see cref="Count"/> times), and with
/// probability <see cref="LatencySpikeRate"/> it takes <see cref="LatencySpike"/> longer (real time, not scaled).
/// </summary>
public sealed record ActionFault
{
    /// <summary>The <see cref="Action"/> that matches every EC2 action without a fault of its own.</summary>
    public const string AnyAction = "*";

    /// <summary>The EC2 action name (e.g. <c>RunInstances</c>) or <see cref="AnyAction"/>.</summary>
    public required string Action { get; init; }

    /// <summary>Probability (0 to 1) that a call fails. Default 0.</summary>
    public double ErrorRate { get; init; }

    /// <summary>The error code answered. Default <c>InternalError</c> (500); <c>Unavailable</c> is 503.</summary>
    public string ErrorCode { get; init; } = "InternalError";

    /// <summary>The HTTP status; null takes the code's usual status (5xx for server errors, else 400).</summary>
    public int? StatusCode { get; init; }

    /// <summary>The error message; null takes the code's usual message.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>
    /// When true the call takes effect and only its answer is the error, like a response lost on the way back: an SDK
    /// retry then meets the ClientToken of the first attempt. Default false (the call has no effect).
    /// </summary>
    public bool AfterExecution { get; init; }

    /// <summary>How many errors to inject before the error part is spent; null is unlimited.</summary>
    public int? Count { get; init; }

    /// <summary>Extra latency of a spike (real time). Default zero.</summary>
    public TimeSpan LatencySpike { get; init; }

    /// <summary>Probability (0 to 1) that a call gets the <see cref="LatencySpike"/>. Default 0.</summary>
    public double LatencySpikeRate { get; init; }
}

/// <summary>The faults in force: per-action faults, the eventual-consistency window and the volumes stuck detaching.</summary>
public sealed record FaultsInfo(IReadOnlyList<ActionFault> Actions, TimeSpan EventualConsistencyWindow, IReadOnlyList<string> StuckDetachingVolumes);
