using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Controller.Bench;

/// <summary>
/// What one measured phase of recoveries saw (<see cref="Scenarios.RecoverAsync"/>), and the figures <c>mass</c> and
/// <c>single</c> report from it, in emulated seconds (real / <paramref name="TimeScale"/>).
/// </summary>
internal sealed record RecoveryRun(
    IReadOnlyDictionary<string, ManagedInstanceView> Before,
    IReadOnlyDictionary<string, ManagedInstanceView> After,
    IReadOnlyDictionary<string, Interruption> Interruptions,
    double InterruptSeconds,
    DateTimeOffset ShutdownStart,
    IReadOnlyList<(ManagedInstanceView View, OperationRecord Record)> Recovered,
    IReadOnlyList<string?> Errors,
    PhaseCounters Counters,
    PhaseResult Phase,
    TimeSpan Timeout,
    bool AllSettled,
    double TimeScale,
    double BudgetShare)
{
    /// <summary>Each recovered one: its interruption → its volumes attached (the saga's record).</summary>
    public IReadOnlyList<double> Durations =>
        [.. Recovered.Select(r => (r.Record.VolumesAttachedAt!.Value - Interruptions[r.View.Id].TerminationTime).TotalSeconds / TimeScale)];

    /// <summary>The latest volumes attached − the earliest interruption.</summary>
    public double Measured => Recovered.Count > 0 ? (Recovered.Max(r => r.Record.VolumesAttachedAt!.Value) - ShutdownStart).TotalSeconds / TimeScale : double.NaN;

    public double Ratio => Measured / Bound.Seconds(Before.Count, BudgetShare);

    public double CallsPerRecovery => Phase.Calls / Before.Count;

    /// <summary>The saga's recorded downtimes (old terminated → volumes attached).</summary>
    public IReadOnlyList<double> Downtimes =>
        [.. Recovered.Where(r => r.Record.Downtime is not null).Select(r => r.Record.Downtime!.Value.TotalSeconds / TimeScale)];
}
