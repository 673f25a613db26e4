namespace StatefulSpot.Emulator.Control;

/// <summary>Body of <c>POST /_emulator/instances/{id}/rebalance</c>: the optional simulated seconds until the interruption warning.</summary>
internal sealed record RebalanceRequest(double? InterruptAfterSeconds);

/// <summary>Body of <c>POST /_emulator/pools/{type}/{zone}/interrupt</c>: optional rebalance lead (simulated seconds).</summary>
internal sealed record PoolInterruptRequest(double? RebalanceLeadSeconds);

/// <summary>Body of <c>PUT /_emulator/capacity</c>; <c>capacity</c> null (or absent) is unlimited.</summary>
internal sealed record CapacityRequest(string? InstanceType, string? AvailabilityZone, string? Market, int? Capacity, double? RebalanceLeadSeconds);

/// <summary>Body of <c>POST /_emulator/instances/{id}/health-event</c>; durations in simulated seconds.</summary>
internal sealed record HealthRequest(string? EventTypeCode, double? StartsInSeconds, double? DurationSeconds, string? Description);

/// <summary>Body of <c>POST /_emulator/faults/actions</c> (an <see cref="ActionFault"/> with the spike in milliseconds).</summary>
internal sealed record FaultRequest(
    string? Action, double? ErrorRate, string? ErrorCode, int? StatusCode, string? ErrorMessage, bool? AfterExecution, int? Count,
    double? LatencyMs, double? LatencyRate)
{
    public ActionFault ToFault() => new()
    {
        Action = string.IsNullOrWhiteSpace(Action) ? throw new ArgumentException("'action' is required (an EC2 action name or \"*\").") : Action,
        ErrorRate = ErrorRate ?? 0,
        ErrorCode = ErrorCode ?? "InternalError",
        StatusCode = StatusCode,
        ErrorMessage = ErrorMessage,
        AfterExecution = AfterExecution ?? false,
        Count = Count,
        LatencySpike = TimeSpan.FromMilliseconds(LatencyMs ?? 0),
        LatencySpikeRate = LatencyRate ?? (LatencyMs is > 0 ? 1 : 0),
    };
}

/// <summary>Body of <c>PUT /_emulator/faults/eventual-consistency</c>.</summary>
internal sealed record ConsistencyRequest(double WindowMs);

/// <summary>Body of <c>PUT /_emulator/time-scale</c>.</summary>
internal sealed record TimeScaleRequest(double TimeScale);

/// <summary>Body of <c>PUT /_emulator/throttling</c>; a missing scale keeps the current one.</summary>
internal sealed record ThrottlingRequest(bool Enabled, double? Scale);
