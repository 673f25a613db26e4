using System.Globalization;

namespace StatefulSpot.Controller.Bench;

/// <summary>The EC2 calls of one measured phase: the emulator's counters (and, where it lacks <c>calls</c>, the silos' metrics).</summary>
internal sealed class PhaseCounters
{
    private readonly Deployment _deployment;
    private readonly HttpClient _http;
    private ThrottlingCounters _emulatorBefore = null!;
    private SiloMetrics _silosBefore = null!;

    private PhaseCounters(Deployment deployment, HttpClient http)
    {
        _deployment = deployment;
        _http = http;
    }

    public bool ResetByEmulator { get; private set; }

    public bool RefillOnSimulatedClock { get; private set; }

    public bool ThrottlingEnabled { get; private set; }

    /// <summary>Resets the emulator's counters where it can (else remembers them), and scrapes the silos.</summary>
    public static async Task<PhaseCounters> BeginAsync(Deployment deployment, HttpClient http, CancellationToken ct)
    {
        var counters = new PhaseCounters(deployment, http);
        counters.ResetByEmulator = await deployment.Emulator.ResetCountersAsync(ct).ConfigureAwait(false);
        var (before, enabled, refill) = await deployment.Emulator.ThrottlingAsync(ct).ConfigureAwait(false);
        counters._emulatorBefore = before;
        counters.ThrottlingEnabled = enabled;
        counters.RefillOnSimulatedClock = refill;
        counters._silosBefore = await SiloMetrics.ScrapeAsync(http, deployment.WebUrls, ct).ConfigureAwait(false);
        return counters;
    }

    public async Task<PhaseResult> EndAsync(CancellationToken ct)
    {
        var (after, _, _) = await _deployment.Emulator.ThrottlingAsync(ct).ConfigureAwait(false);
        var emulator = after.Minus(_emulatorBefore);
        var silosAfter = await SiloMetrics.ScrapeAsync(_http, _deployment.WebUrls, ct).ConfigureAwait(false);
        var silos = silosAfter.Since(_silosBefore);
        var lag = silosAfter.Has(SiloMetrics.EventLag + "_count") ? silosAfter.WarningLagSince(_silosBefore) : ((double, double, string)?)null;
        var receiveLag = silosAfter.Has(SiloMetrics.EventReceiveLag + "_count")
            ? silosAfter.WarningLagSince(_silosBefore, SiloMetrics.EventReceiveLag)
            : ((double, double, string)?)null;
        var throttled = emulator.TotalThrottled;
        double calls;
        string source;
        if (emulator.TotalCalls is { } received)
        {
            calls = received;
            source = "emulator counters (`calls`, `throttledCalls` of GET /_emulator/throttling: every EC2 request received, SDK retries included)";
        }
        else
        {
            // The silos count one call per IEc2Api call (the SDK's retries inside it are not seen); every retry the SDK made
            // after a throttle is one more request the emulator received: throttled requests less those that were the last attempt.
            var controllerCalls = silos.Sum(SiloMetrics.Ec2Calls);
            var finalThrottles = silos.Sum(SiloMetrics.Ec2Throttles);
            calls = controllerCalls + throttled - finalThrottles;
            source = string.Create(CultureInfo.InvariantCulture,
                $"this emulator build has no `calls` counter: all calls = the silos' {SiloMetrics.Ec2Calls} ({controllerCalls:0}) "
                + $"+ emulator throttledCalls ({throttled}) - {SiloMetrics.Ec2Throttles} ({finalThrottles:0}), i.e. SDK retries after throttles counted from the emulator");
        }

        var byAction = emulator.Calls is { } perAction
            ? perAction.Where(a => a.Value > 0).OrderByDescending(a => a.Value).Select(a => $"{a.Key} {a.Value} ({emulator.Throttled.GetValueOrDefault(a.Key)} throttled)")
            : silos.ByAction(SiloMetrics.Ec2Calls).Where(a => a.Value > 0).OrderByDescending(a => a.Value)
                .Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Key} {a.Value:0} ({emulator.Throttled.GetValueOrDefault(a.Key)} throttled at the emulator)"));
        return new PhaseResult(calls, throttled, source, string.Join(", ", byAction), lag, receiveLag);
    }
}

internal sealed record PhaseResult(double Calls, long Throttled, string CallsSource, string ByAction, (double Count, double MeanSeconds, string P95UpperBound)? WarningLag,
    (double Count, double MeanSeconds, string P95UpperBound)? WarningReceiveLag)
{
    public double ThrottledPercent => Calls > 0 ? 100.0 * Throttled / Calls : double.NaN;
}
