using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Controller.Bench;

/// <summary>mass, creates and memory (and the measured phase <c>single</c> shares with mass). Each returns its summary line; a scenario that cannot run throws.</summary>
internal static class Scenarios
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary><c>mass</c>: create N, interrupt all within ~3 s, measure the recoveries against the bound.</summary>
    public static async Task<string> MassAsync(Deployment deployment, BenchOptions options, HttpClient http, CancellationToken ct)
    {
        var active = await CreateFleetAsync(deployment, options, ct).ConfigureAwait(false);
        string? restartNote = null;
        if (deployment.Budget.Restart)
        {
            (active, restartNote) = await RestartSilosAsync(deployment, options, active, ct).ConfigureAwait(false);
        }

        var run = await RecoverAsync(deployment, options, http, active, ct).ConfigureAwait(false);
        var report = new Report($"mass: {options.N} recoveries at once");
        AddRecoveryRows(report, deployment, options, run, restartNote);
        var summary = string.Create(Invariant, $"mass n={run.Before.Count} errors={run.Errors.Count} throttled={Report.F(run.Phase.ThrottledPercent, "0.0")}% "
            + $"ratio={Report.F(run.Ratio, "0.00")} calls_per_recovery={Report.F(run.CallsPerRecovery, "0.0")}");
        report.Print(summary);
        return summary;
    }

    /// <summary>
    /// The measured phase of <c>mass</c> and <c>single</c>: the emulator to the measured time scale, the counters reset,
    /// every one of <paramref name="active"/> interrupted, and a bounded wait until each is on its next generation.
    /// </summary>
    internal static async Task<RecoveryRun> RecoverAsync(Deployment deployment, BenchOptions options, HttpClient http, List<ManagedInstanceView> active,
        CancellationToken ct)
    {
        var client = deployment.Client;
        var before = active.ToDictionary(v => v.Id);

        await deployment.Emulator.SetTimeScaleAsync(options.TimeScale, ct).ConfigureAwait(false);
        var counters = await PhaseCounters.BeginAsync(deployment, http, ct).ConfigureAwait(false);
        Console.WriteLine($"Time scale now {options.TimeScale.ToString(Invariant)}; interrupting {active.Count} instances ({options.Concurrency} at a time)");

        var interruptions = new ConcurrentDictionary<string, Interruption>();
        var interruptClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(active, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct }, async (view, token) =>
            interruptions[view.Id] = await deployment.Emulator.InterruptAsync(view.InstanceId!, token).ConfigureAwait(false)).ConfigureAwait(false);
        var interruptSeconds = interruptClock.Elapsed.TotalSeconds;
        var shutdownStart = interruptions.Values.Min(i => i.TerminationTime);
        Console.WriteLine($"  {active.Count} interrupted in {interruptSeconds:0.0} s; EC2 starts shutting them down from {shutdownStart:HH:mm:ss.f}");

        var t = options.TimeScale;
        var bucketReal = Bound.BucketPart(active.Count, options.BudgetShare) * (counters.RefillOnSimulatedClock ? t : 1);
        var timeout = TimeSpan.FromSeconds(3 * (Bound.Fixed * t + bucketReal) + options.NoticeLeadSeconds * t + 300);
        var (after, allSettled) = await Fleet.WaitAsync(client, [.. before.Keys],
            v => v.Generation > before[v.Id].Generation && v.Status is ManagedInstanceStatus.Active or ManagedInstanceStatus.Error,
            timeout, options.Concurrency, "recoveries", ct).ConfigureAwait(false);
        var phase = await counters.EndAsync(ct).ConfigureAwait(false);

        var recovered = new List<(ManagedInstanceView View, OperationRecord Record)>();
        var errors = new List<string?>();
        foreach (var (id, old) in before)
        {
            var view = after.GetValueOrDefault(id);
            var settled = view is not null && view.Generation > old.Generation && view.Status is ManagedInstanceStatus.Active or ManagedInstanceStatus.Error;
            if (!settled)
            {
                errors.Add($"not settled within {timeout.TotalSeconds:0} s (status {view?.Status}, generation {view?.Generation}, step {view?.CurrentStep})");
            }
            else if (view!.Status == ManagedInstanceStatus.Error)
            {
                errors.Add(view.LastError);
            }
            else if (view.History.LastOrDefault(r => r.Kind == OperationKind.Recycle && r.Generation == view.Generation) is { VolumesAttachedAt: not null } record)
            {
                recovered.Add((view, record));
            }
            else
            {
                errors.Add("Active without a recovery record of its generation");
            }
        }

        return new RecoveryRun(before, after, interruptions, interruptSeconds, shutdownStart, recovered, errors, counters, phase, timeout, allSettled, t,
            options.BudgetShare);
    }

    /// <summary>The rows of a measured phase, as <c>mass</c> prints them.</summary>
    internal static void AddRecoveryRows(Report report, Deployment deployment, BenchOptions options, RecoveryRun run, string? restartNote)
    {
        var n = options.N;
        var active = run.Before.Count;
        var kept = run.Recovered.Count(r => r.View.PrivateIp == run.Before[r.View.Id].PrivateIp
            && r.View.Volumes.Select(v => v.VolumeId).SequenceEqual(run.Before[r.View.Id].Volumes.Select(v => v.VolumeId)));
        var phase = run.Phase;
        AddParameters(report, deployment, options, run.Counters);
        report.Add("EC2 budget multiplier, measured phase", deployment.Budget.MeasuredReason)
            .Add("silo restart before the measured phase", restartNote ?? (options.Topology == Topology.Local
                ? "none (local mode: the emulator is in the silo's process)"
                : "none (the set-up and measured phases have the same multiplier)"))
            .Add("N (created Active and interrupted)", $"{active} of {n}")
            .Add("interrupts sent in", run.InterruptSeconds, "0.0", " s (real)")
            .Add("recovered (Active on the next generation)", $"{run.Recovered.Count}; same private IP and volume: {kept}")
            .Add("errors", run.Errors.Count.ToString(Invariant));
        foreach (var (message, count) in Fleet.DistinctErrors(run.Errors).Take(10))
        {
            report.Add($"  error x{count}", message);
        }

        report.Add("bound", Bound.Formula(active, options.BudgetShare))
            .Add("measured duration", string.Create(Invariant,
                $"{Report.F(run.Measured)} s emulated (latest volumes attached - earliest interruption = notice + {options.NoticeLeadSeconds} s lead)"))
            .Add("ratio (measured / bound)", run.Ratio, "0.00")
            .Add("recovery duration p50 / p95 / max", $"{Report.F(Report.Percentile(run.Durations, 50))} / {Report.F(Report.Percentile(run.Durations, 95))} / {Report.F(Report.Percentile(run.Durations, 100))} s emulated (each: its interruption -> its volumes attached)")
            .Add("downtime p50 / max", $"{Report.F(Report.Percentile(run.Downtimes, 50))} / {Report.F(Report.Percentile(run.Downtimes, 100))} s emulated (old terminated -> volumes attached)")
            .Add("EC2 calls in the phase", $"{phase.Calls:0}, throttled {phase.Throttled} ({Report.F(phase.ThrottledPercent, "0.0")}%)")
            .Add("calls per recovery", run.CallsPerRecovery, "0.0")
            .Add("calls by action", phase.ByAction)
            .Add("calls counted from", phase.CallsSource)
            .Add("warning -> grain lag", phase.WarningLag is { } lag
                ? string.Create(Invariant, $"{lag.Count:0} warnings, mean {Report.F(lag.MeanSeconds, "0.00")} s, 95% within {lag.P95UpperBound} s (real; statefulspot_events_lag_seconds)")
                : "not exposed by this silo build")
            .Add("warning -> SQS receive lag", phase.WarningReceiveLag is { } received
                ? string.Create(Invariant, $"{received.Count:0} warnings, mean {Report.F(received.MeanSeconds, "0.00")} s, 95% within {received.P95UpperBound} s (real; statefulspot_events_receive_lag_seconds: the queue's part of the lag)")
                : "not exposed by this silo build");
        if (run.Errors.Count > 0)
        {
            report.Add("note", $"the measured duration, the ratio, the durations and the downtimes cover the {run.Recovered.Count} recovered only");
        }

        if (!run.AllSettled)
        {
            report.Add("note", $"the wait ended at its timeout ({run.Timeout.TotalSeconds:0} s): unsettled managed instances are counted as errors");
        }
    }

    /// <summary><c>creates</c>: N creates at once at the measured time scale, until all settle.</summary>
    public static async Task<string> CreatesAsync(Deployment deployment, BenchOptions options, HttpClient http, CancellationToken ct)
    {
        var n = options.N;
        var t = options.TimeScale;
        var counters = await PhaseCounters.BeginAsync(deployment, http, ct).ConfigureAwait(false);
        Console.WriteLine($"Creating {n} managed instances ({options.Concurrency} calls at a time, {Fleet.SubnetNote(n)}) at time scale {t.ToString(Invariant)}");
        var clock = Stopwatch.StartNew();
        var (ids, firstCall) = await Fleet.CreateAsync(deployment.Client, n, options.Concurrency, ct).ConfigureAwait(false);
        var callSeconds = clock.Elapsed.TotalSeconds;
        var timeout = CreateTimeout(options, t, counters.RefillOnSimulatedClock);
        var (views, allSettled) = await Fleet.WaitAsync(deployment.Client, ids, v => v.Status != ManagedInstanceStatus.Creating, timeout,
            options.Concurrency, "creates", ct).ConfigureAwait(false);
        var settledAt = DateTimeOffset.UtcNow;
        var phase = await counters.EndAsync(ct).ConfigureAwait(false);

        var errors = ids.Select(id => views.GetValueOrDefault(id)).Where(v => v is null || v.Status != ManagedInstanceStatus.Active)
            .Select(v => v is null ? "never read" : v.Status == ManagedInstanceStatus.Creating ? $"still Creating at the timeout (step {v.CurrentStep})" : v.LastError)
            .ToList();
        var finished = views.Values.Select(v => v.History.LastOrDefault(r => r.Kind == OperationKind.Create)?.FinishedAt).OfType<DateTimeOffset>().ToList();
        var end = finished.Count > 0 ? finished.Max() : settledAt;
        var duration = (end - firstCall).TotalSeconds / t;
        var durations = views.Values
            .Select(v => v.History.LastOrDefault(r => r.Kind == OperationKind.Create) is { FinishedAt: { } f, StartedAt: var s } && v.Status == ManagedInstanceStatus.Active
                ? (f - s).TotalSeconds / t : double.NaN)
            .Where(d => !double.IsNaN(d)).ToList();

        var report = new Report($"creates: {n} at once");
        AddParameters(report, deployment, options, counters);
        report.Add("N", n.ToString(Invariant))
            .Add("create calls answered in", callSeconds, "0.0", " s (real)")
            .Add("errors", errors.Count.ToString(Invariant));
        foreach (var (message, count) in Fleet.DistinctErrors(errors).Take(10))
        {
            report.Add($"  error x{count}", message);
        }

        report.Add("duration", string.Create(Invariant, $"{Report.F(duration)} s emulated (first create call -> last create finished)"))
            .Add("create duration p50 / p95 / max", $"{Report.F(Report.Percentile(durations, 50))} / {Report.F(Report.Percentile(durations, 95))} / {Report.F(Report.Percentile(durations, 100))} s emulated")
            .Add("EC2 calls in the phase", $"{phase.Calls:0}, throttled {phase.Throttled} ({Report.F(phase.ThrottledPercent, "0.0")}%)")
            .Add("calls per create", phase.Calls / n, "0.0")
            .Add("calls by action", phase.ByAction)
            .Add("calls counted from", phase.CallsSource);
        if (!allSettled)
        {
            report.Add("note", $"the wait ended at its timeout ({timeout.TotalSeconds:0} s): those still Creating are counted as errors");
        }

        var summary = string.Create(Invariant,
            $"creates n={n} errors={errors.Count} throttled={Report.F(phase.ThrottledPercent, "0.0")}% calls_per_create={Report.F(phase.Calls / n, "0.0")} duration_s={Report.F(duration, "0")}");
        report.Print(summary);
        return summary;
    }

    /// <summary><c>memory</c>: RSS of each silo process before and after N Active managed instances.</summary>
    public static async Task<string> MemoryAsync(Deployment deployment, BenchOptions options, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false); // start-up settles (JIT, first timers)
        var baseline = deployment.Silos.Select(s => s.RssKiB()).ToList();
        Console.WriteLine($"RSS after start-up: {string.Join(", ", baseline.Select(b => $"{b / 1024} MiB"))}");
        var active = await CreateFleetAsync(deployment, options, ct).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        var afterActive = deployment.Silos.Select(s => s.RssKiB()).ToList();
        List<long>? afterSettle = null;
        if (options.SettleSeconds is { } settle)
        {
            Console.WriteLine($"Forcing grain collection (IManagementGrain.ForceActivationCollection), then waiting {settle} s");
            await deployment.Cluster.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(settle), ct).ConfigureAwait(false);
            afterSettle = [.. deployment.Silos.Select(s => s.RssKiB())];
        }

        var silos = deployment.Silos.Count;
        var perSilo = (double)active.Count / silos;
        var kb = Enumerable.Range(0, silos).Select(i => (afterActive[i] - baseline[i]) / perSilo).ToList();
        var report = new Report($"memory: {active.Count} Active managed instances on {silos} silo(s)");
        report.Add("mode", options.Topology.ToString().ToLowerInvariant())
            .Add("silos", silos.ToString(Invariant))
            .Add("N (Active)", $"{active.Count} of {options.N}")
            .Add("create time scale", options.CreateTimeScale.ToString(Invariant))
            .Add("EC2 budget multiplier", deployment.Budget.SetupReason);
        for (var i = 0; i < silos; i++)
        {
            report.Add($"silo {i} RSS before / after", $"{baseline[i] / 1024.0:0} MiB / {afterActive[i] / 1024.0:0} MiB: {kb[i]:0.0} KB per managed instance")
                .Add($"silo {i} after collection + {options.SettleSeconds} s", afterSettle is null ? "not asked (--settle)"
                    : $"{afterSettle[i] / 1024.0:0} MiB: {(afterSettle[i] - baseline[i]) / perSilo:0.0} KB per managed instance");
        }

        report.Add("KB per managed instance (mean over silos)", kb.Average(), "0.0")
            .Add("note", "(RSS_after - RSS_before) / (N / silos), RSS from /proc/<pid>/status VmRSS; grains are spread by Orleans' placement, not exactly N / silos per silo");
        var summary = string.Create(Invariant, $"memory n={active.Count} kb_per_instance={kb.Average():0.0} silos={silos}");
        report.Print(summary);
        return summary;
    }

    /// <summary>Creates the fleet at the create time scale and waits until every one settled; returns the Active ones.</summary>
    internal static Task<List<ManagedInstanceView>> CreateFleetAsync(Deployment deployment, BenchOptions options, CancellationToken ct) =>
        CreateFleetAsync(deployment, options, PersistenceMode.ReattachEni, ct);

    /// <summary>The same with <paramref name="mode"/>'s spec.</summary>
    internal static async Task<List<ManagedInstanceView>> CreateFleetAsync(Deployment deployment, BenchOptions options, PersistenceMode mode, CancellationToken ct)
    {
        var n = options.N;
        Console.WriteLine($"Creating {n} managed instances ({options.Concurrency} calls at a time, {Fleet.SubnetNote(n)}"
            + (mode == PersistenceMode.ReattachEni ? "" : $", persistence {mode.Name()}") + $") at time scale {options.CreateTimeScale.ToString(Invariant)}");
        var clock = Stopwatch.StartNew();
        var (ids, _) = await Fleet.CreateAsync(deployment.Client, n, options.Concurrency, mode, ct).ConfigureAwait(false);
        var (_, _, refill) = await deployment.Emulator.ThrottlingAsync(ct).ConfigureAwait(false);
        var timeout = CreateTimeout(options, options.CreateTimeScale, refill);
        var (views, allSettled) = await Fleet.WaitAsync(deployment.Client, ids, v => v.Status != ManagedInstanceStatus.Creating, timeout,
            options.Concurrency, "creates", ct).ConfigureAwait(false);
        if (!allSettled)
        {
            throw new TimeoutException($"{views.Values.Count(v => v.Status == ManagedInstanceStatus.Creating)} of {n} managed instances were still Creating "
                + $"after {timeout.TotalSeconds:0} s (--create-timeout)");
        }

        var active = views.Values.Where(v => v.Status == ManagedInstanceStatus.Active).OrderBy(v => v.Spec.Name, StringComparer.Ordinal).ToList();
        Console.WriteLine($"  {active.Count} of {n} Active in {clock.Elapsed.TotalSeconds:0.0} s");
        var failed = views.Values.Where(v => v.Status != ManagedInstanceStatus.Active).Select(v => v.LastError).ToList();
        foreach (var (message, count) in Fleet.DistinctErrors(failed))
        {
            Console.WriteLine($"  creation ended in Error x{count}: {message}");
        }

        return active.Count > 0 ? active : throw new InvalidOperationException($"none of the {n} managed instances became Active");
    }

    /// <summary>
    /// <c>mass</c> in cluster mode: restarts the silos with the measured phase's budget multiplier, then waits until the
    /// client gets every managed instance that was Active, Active again (their state is in PostgreSQL).
    /// </summary>
    internal static async Task<(List<ManagedInstanceView> Active, string Note)> RestartSilosAsync(Deployment deployment, BenchOptions options,
        List<ManagedInstanceView> active, CancellationToken ct)
    {
        var multiplier = deployment.Budget.Measured;
        Console.WriteLine($"Restarting the {deployment.Silos.Count} silos with {BudgetPlan.Variable}={multiplier.ToString(Invariant)} for the measured phase "
            + $"(SIGTERM, killed after 45 s; same PostgreSQL and emulator, new ports, new client)");
        var restart = await deployment.RestartSilosAsync(multiplier, ct).ConfigureAwait(false);
        Console.WriteLine($"  stopped in {restart.StopSeconds:0.0} s ({restart.Graceful} of {restart.Silos} exited by themselves, exit codes {restart.ExitCodes}); "
            + $"up again and the client connected in {restart.StartSeconds:0.0} s");
        var clock = Stopwatch.StartNew();
        var timeout = TimeSpan.FromSeconds(120 + active.Count / 10.0);
        var old = active.ToDictionary(v => v.Id);
        var (views, allActive) = await Fleet.WaitAsync(deployment.Client, [.. old.Keys], v => v.Status == ManagedInstanceStatus.Active, timeout,
            options.Concurrency, "after the restart", ct).ConfigureAwait(false);
        if (!allActive)
        {
            throw new TimeoutException($"after the silo restart, {old.Count - views.Values.Count(v => v.Status == ManagedInstanceStatus.Active)} of {old.Count} "
                + $"managed instances were not read back Active within {timeout.TotalSeconds:0} s");
        }

        var changed = views.Values.Count(v => v.Generation != old[v.Id].Generation || v.InstanceId != old[v.Id].InstanceId);
        Console.WriteLine($"  all {views.Count} read back Active in {clock.Elapsed.TotalSeconds:0.0} s"
            + (changed > 0 ? $"; {changed} changed generation or instance across the restart" : "; same generations and instances"));
        var note = string.Create(Invariant, $"{restart.Graceful} of {restart.Silos} silos exited by SIGTERM in {restart.StopSeconds:0.0} s, up again in "
            + $"{restart.StartSeconds:0.0} s with multiplier {multiplier}; all {views.Count} Active again {clock.Elapsed.TotalSeconds:0.0} s later")
            + (changed > 0 ? $" ({changed} on another generation or instance)" : " (same generations and instances)");
        return ([.. views.Values.OrderBy(v => v.Spec.Name, StringComparer.Ordinal)], note);
    }

    /// <summary>Default create timeout: 2 min plus 3x the time the RunInstances bucket needs for N at this time scale.</summary>
    private static TimeSpan CreateTimeout(BenchOptions options, double timeScale, bool refillOnSimulatedClock) =>
        TimeSpan.FromSeconds(options.CreateTimeoutSeconds
            ?? 120 + 3 * (Bound.BucketPart(options.N, options.BudgetShare) * (refillOnSimulatedClock ? timeScale : 1) + 40 * timeScale));

    internal static void AddParameters(Report report, Deployment deployment, BenchOptions options, PhaseCounters counters)
    {
        report.Add("mode", options.Topology.ToString().ToLowerInvariant())
            .Add("silos", deployment.Silos.Count.ToString(Invariant))
            .Add("time scale", options.TimeScale.ToString(Invariant))
            .Add("create time scale", options.Scenario == Scenario.Creates ? "(creates run at the time scale)" : options.CreateTimeScale.ToString(Invariant))
            .Add("throttling refill", (counters.ThrottlingEnabled ? "" : "throttling OFF; ") + (counters.RefillOnSimulatedClock ? "simulated clock" : "real time"))
            .Add("budget share s", options.BudgetShare.ToString(Invariant))
            .Add(options.Scenario == Scenario.Creates ? "EC2 budget multiplier" : "EC2 budget multiplier, creating the fleet", deployment.Budget.SetupReason)
            .Add("notice lead", options.NoticeLeadSeconds.ToString(Invariant) + " s")
            .Add("counters reset", counters.ResetByEmulator ? "DELETE /_emulator/throttling/counters" : "not available in this emulator build: differences of GET /_emulator/throttling");
    }
}
