using System.Globalization;

namespace StatefulSpot.Controller.Bench;

/// <summary>
/// Which <c>StatefulSpot:Ec2:BudgetMultiplier</c> the silos run with in each phase. The gateway's token buckets refill in
/// real time; an emulator that refills its buckets on its simulated clock at TimeScale T &lt; 1 has 1/T times AWS's
/// budget per real second, so the gateway gets 1/T (at most 10000) to keep AWS's physics. At T = 1, or with the emulator
/// refilling in real time, the multiplier is 1: AWS's budget.
/// </summary>
internal sealed class BudgetPlan
{
    public const string Variable = "StatefulSpot__Ec2__BudgetMultiplier";
    private const double Max = 10_000;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private BudgetPlan(double setup, double measured, bool bySilo, bool restart, string setupReason, string measuredReason)
    {
        Setup = setup;
        Measured = measured;
        SetBySilo = bySilo;
        Restart = restart;
        SetupReason = setupReason;
        MeasuredReason = measuredReason;
    }

    /// <summary>The multiplier while the fleet is created (all of <c>creates</c> and <c>memory</c>).</summary>
    public double Setup { get; }

    /// <summary>The multiplier of <c>mass</c>'s measured phase (the interrupts and recoveries).</summary>
    public double Measured { get; }

    /// <summary>Local mode: the bench sets nothing; the silo sets the multiplier from its in-process emulator at start-up.</summary>
    public bool SetBySilo { get; }

    /// <summary>Cluster-mode <c>mass</c> whose two phases need different multipliers: the silos are restarted in between.</summary>
    public bool Restart { get; }

    public string SetupReason { get; }

    public string MeasuredReason { get; }

    /// <summary>1 / <paramref name="timeScale"/> (at most 10000) when the emulator refills on its simulated clock and T &lt; 1, else 1.</summary>
    public static double For(double timeScale, bool refillOnSimulatedClock) =>
        refillOnSimulatedClock && timeScale < 1 ? Math.Min(Max, 1 / timeScale) : 1;

    public static BudgetPlan Of(BenchOptions options)
    {
        var refill = options.RefillOnSimulatedClock;
        var setupScale = options.Scenario == Scenario.Creates ? options.TimeScale : options.CreateTimeScale;
        var hasMeasuredPhase = options.Scenario is Scenario.Mass or Scenario.Single;
        if (options.SiloEnvironment.LastOrDefault(e => e.Key == Variable) is { Key: not null } given)
        {
            var value = double.TryParse(given.Value, NumberStyles.Float, Invariant, out var v) ? v : double.NaN;
            return new BudgetPlan(value, value, bySilo: false, restart: false, $"{given.Value} (--silo-env)", $"{given.Value} (--silo-env, no restart)");
        }

        var setup = For(setupScale, refill);
        var measured = hasMeasuredPhase ? For(options.TimeScale, refill) : setup;
        if (options.Topology == Topology.Local)
        {
            return new BudgetPlan(setup, setup, bySilo: true, restart: false,
                $"{F(setup)} (local mode: the silo's own default from its in-process emulator at start-up, {Why(setupScale, refill)})",
                $"{F(setup)} (local mode: no restart, the silo keeps its start-up multiplier when the bench changes the time scale"
                + (measured == setup ? ")" : $"; AWS's physics at time scale {F(options.TimeScale)} would need {F(measured)})"));
        }

        var restart = hasMeasuredPhase && measured != setup;
        return new BudgetPlan(setup, measured, bySilo: false, restart,
            $"{F(setup)} ({Why(setupScale, refill)})",
            $"{F(measured)} ({Why(options.TimeScale, refill)}; {(restart ? "the silos are restarted with it" : "the same as the set-up phase: no restart")})");
    }

    /// <summary>The notes for the run's header: which multiplier each phase uses.</summary>
    public IEnumerable<string> Notes(BenchOptions options)
    {
        yield return options.Scenario switch
        {
            Scenario.Creates => $"EC2 budget multiplier ({Variable}), creates (measured): {SetupReason}",
            Scenario.Memory => $"EC2 budget multiplier ({Variable}), creating the fleet: {SetupReason}",
            _ => $"EC2 budget multiplier ({Variable}), creating the fleet: {SetupReason}; measured phase: {MeasuredReason}",
        };
    }

    private static string Why(double timeScale, bool refill) =>
        refill && timeScale < 1
            ? $"1 / time scale {F(timeScale)}{(1 / timeScale > Max ? ", capped" : "")}: the emulator refills on its simulated clock"
            : refill ? $"time scale {F(timeScale)}: AWS's budget in real time" : "the emulator refills in real time: AWS's budget";

    private static string F(double x) => x.ToString("0.####", Invariant);
}
