using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Controller.Bench;

/// <summary>
/// <c>single</c>: one recovery of one persistence mode (<c>--persistence</c>; <c>all</c>: the four in turn in one
/// deployment, each managed instance deleted before the next is created). Besides <c>mass</c>'s figures for N = 1:
/// the downtime the application sees, read from the emulator's world while the recovery runs (<see cref="RecoveryProbe"/>,
/// <see cref="AppDowntime"/>), against the floor of the mode's path (<see cref="DowntimeFloor"/>).
/// </summary>
internal static class SingleScenario
{
    private const int MaxTimelineRows = 40;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<string> RunAsync(Deployment deployment, BenchOptions options, HttpClient http, CancellationToken ct)
    {
        var summaries = new List<string>();
        var restarted = false;
        var modes = options.Persistence;
        for (var index = 0; index < modes.Count; index++)
        {
            var mode = modes[index];
            if (index > 0)
            {
                await deployment.Emulator.SetTimeScaleAsync(options.CreateTimeScale, ct).ConfigureAwait(false);
            }

            var active = await Scenarios.CreateFleetAsync(deployment, options, mode, ct).ConfigureAwait(false);
            if (mode.SnapshotsContinuously())
            {
                await WaitForFirstSnapshotAsync(deployment, active[0], mode, ct).ConfigureAwait(false);
            }

            string? restartNote = null;
            if (deployment.Budget.Restart && !restarted)
            {
                (active, restartNote) = await Scenarios.RestartSilosAsync(deployment, options, active, ct).ConfigureAwait(false);
                restarted = true;
            }
            else if (restarted)
            {
                restartNote = "none for this mode: the silos were restarted before the first mode's measured phase and kept that multiplier";
            }

            var old = active[0];
            EmulatorDurations durations;
            using (var world = await deployment.Emulator.WorldAsync(ct).ConfigureAwait(false))
            {
                durations = EmulatorDurations.Read(world.RootElement)
                    ?? throw new InvalidOperationException("this emulator build's world snapshot has no 'durations': the floor cannot be computed");
            }

            RecoveryRun run;
            IReadOnlyList<WorldReading> readings;
            int failedReadings;
            var probe = await RecoveryProbe.StartAsync(deployment.Emulator, old.Id, old.Volumes.Select(v => v.VolumeId).OfType<string>(), ct).ConfigureAwait(false);
            await using (probe.ConfigureAwait(false))
            {
                run = await Scenarios.RecoverAsync(deployment, options, http, active, ct).ConfigureAwait(false);
                readings = await probe.StopAsync().ConfigureAwait(false);
                failedReadings = probe.FailedReadings;
            }

            summaries.Add(Print(deployment, options, mode, run, restartNote, readings, failedReadings, durations));
            if (index + 1 < modes.Count)
            {
                await DeleteAsync(deployment, options, old.Id, ct).ConfigureAwait(false);
            }
        }

        if (summaries.Count > 1)
        {
            Console.WriteLine();
            Console.WriteLine($"single, {summaries.Count} persistence modes at time scale {options.TimeScale.ToString(Invariant)}:");
            foreach (var summary in summaries)
            {
                Console.WriteLine(summary);
            }
        }

        return string.Join('\n', summaries);
    }

    private static string Print(Deployment deployment, BenchOptions options, PersistenceMode mode, RecoveryRun run, string? restartNote,
        IReadOnlyList<WorldReading> readings, int failedReadings, EmulatorDurations durations)
    {
        var t = options.TimeScale;
        var old = run.Before.Values.Single();
        var now = run.After.GetValueOrDefault(old.Id);
        var terms = DowntimeFloor.Terms(DowntimeFloor.PathOf(mode), durations);
        var floor = DowntimeFloor.Seconds(terms);
        var keptIp = mode.KeepsPrivateIp() ? old.PrivateIp : null;
        var oldVolumes = old.Volumes.Select(v => v.VolumeId).OfType<string>().ToList();
        var newVolumes = now?.Volumes.Select(v => v.VolumeId).OfType<string>().ToList() ?? [];
        var app = run.Recovered.Count == 1 && now?.InstanceId is { } replacement
            ? AppDowntime.Measure(readings, old.InstanceId!, oldVolumes, replacement, newVolumes, keptIp)
            : new AppDowntimeResult(null, null, "the managed instance did not recover (see errors)");
        var appSeconds = app.Real is { } real ? real.TotalSeconds / t : double.NaN;
        var appError = app.RealError is { } error ? error.TotalSeconds / t : double.NaN;
        var ratio = appSeconds / floor;

        var report = new Report($"single: one recovery, persistence {mode.Name()}");
        Scenarios.AddRecoveryRows(report, deployment, options, run, restartNote);
        report.Add("persistence", $"{mode.Name()}: {Describe(mode.Spec())}")
            .Add("downtime (the saga's record)", run.Downtimes.Count > 0 ? $"{Report.F(run.Downtimes[0])} s emulated (old terminated -> volumes attached)" : "n/a")
            .Add("app downtime", app.Problem is { } problem
                ? "n/a: " + problem
                : string.Create(Invariant, $"{Report.F(appSeconds)} s emulated, ± {Report.F(appError, "0.00")} s (old instance stops serving -> replacement serves, "
                    + $"from the emulator's world read every {RecoveryProbe.Interval.TotalMilliseconds:0} ms real; each edge at the middle of its two readings)"))
            .Add("app downtime readings", string.Create(Invariant, $"{readings.Count} (GET /_emulator/world, not EC2), largest gap "
                + $"{AppDowntime.LargestGap(readings).TotalMilliseconds:0} ms real = {AppDowntime.LargestGap(readings).TotalSeconds / t:0.00} s emulated, {failedReadings} failed"));
        if (app.Start is { } start)
        {
            var interruption = run.Interruptions[old.Id].TerminationTime;
            var offset = (interruption - start.Mid).TotalMilliseconds;
            var inside = interruption > start.NotYet && interruption <= start.Seen ? "inside the bracket" : "OUTSIDE the bracket";
            report.Add("app downtime start", string.Create(Invariant, $"{start.Mid:HH:mm:ss.fff} ± {start.HalfWidth.TotalMilliseconds:0} ms real: {old.InstanceId} no longer "
                    + $"running with {string.Join(", ", oldVolumes)} attached"))
                .Add("  check", string.Create(Invariant, $"the emulator's interruption action was due at {interruption:HH:mm:ss.fff}: {offset:+0;-0;0} ms real from the estimate, {inside}"));
        }

        if (app.End is { } end)
        {
            var ip = keptIp is null ? "" : $" and {keptIp} on it";
            report.Add("app downtime end", string.Create(Invariant, $"{end.Mid:HH:mm:ss.fff} ± {end.HalfWidth.TotalMilliseconds:0} ms real: {now!.InstanceId} running with "
                + $"{string.Join(", ", newVolumes)} attached{ip}"));
        }

        report.Add("floor", DowntimeFloor.Formula(terms) + " (the running emulator's configured durations at time scale 1)");
        foreach (var term in terms)
        {
            report.Add($"  {DowntimeFloor.Label(term.Step)}", string.Create(Invariant, $"{term.Seconds:0.###} s: {term.What}"));
        }

        report.Add("app ratio (app downtime / floor)", ratio, "0.00");
        if (app.Start is { } from)
        {
            AddTimeline(report, readings, from, app.End, t, Roles(old, now));
        }

        var summary = string.Create(Invariant,
            $"single mode={mode.Name()} app_downtime={Report.F(appSeconds)} floor={Report.F(floor)} ratio={Report.F(ratio, "0.00")} calls={run.Phase.Calls:0}");
        report.Print(summary);
        return summary;
    }

    /// <summary>Every change of the managed instance's resources up to the replacement serving, in emulated seconds from the start edge.</summary>
    private static void AddTimeline(Report report, IReadOnlyList<WorldReading> readings, Edge start, Edge? end, double t, Dictionary<string, string> roles)
    {
        var changes = AppDowntime.Changes(readings).Where(c => end is null || c.When.Seen <= end.Seen).ToList();
        report.Add("world timeline", $"{changes.Count} changes up to the replacement serving; s emulated from the start edge, each at the middle of its two readings");
        foreach (var change in changes.TakeLast(MaxTimelineRows))
        {
            var at = (change.When.Mid - start.Mid).TotalSeconds / t;
            var role = roles.GetValueOrDefault(change.ResourceId) ?? Kind(change.ResourceId);
            report.Add(string.Create(Invariant, $"  t {at:+0.0;-0.0;0.0} s"), $"{role} {change.ResourceId}: {change.State}");
        }

        if (changes.Count > MaxTimelineRows)
        {
            report.Add("  (earlier)", $"{changes.Count - MaxTimelineRows} earlier changes left out");
        }
    }

    private static Dictionary<string, string> Roles(ManagedInstanceView old, ManagedInstanceView? now)
    {
        var roles = new Dictionary<string, string>(StringComparer.Ordinal);
        void Name(string? id, string role)
        {
            if (id is not null)
            {
                roles.TryAdd(id, role);
            }
        }

        Name(old.InstanceId, "old instance");
        Name(now?.InstanceId, "replacement");
        foreach (var volume in old.Volumes)
        {
            Name(volume.VolumeId, "data volume");
        }

        foreach (var volume in now?.Volumes ?? [])
        {
            Name(volume.VolumeId, "new data volume");
        }

        Name(old.RootVolumeId, "old root");
        Name(now?.RootVolumeId, "new root");
        Name(old.NetworkInterfaceId, "ENI");
        return roles;
    }

    private static string Kind(string id) => id.Split('-')[0] switch
    {
        "i" => "instance",
        "vol" => "volume",
        "snap" => "snapshot",
        "ami" => "image",
        "eni" => "ENI",
        var other => other,
    };

    private static string Describe(PersistenceSpec spec) =>
        $"blockDevicesMode {spec.BlockDevicesMode}, persistPrivateIp {spec.PersistPrivateIp}, persistRootDevice {spec.PersistRootDevice}"
        + (SagaPrestages(spec) ? " (the replacement is pre-staged during the warning)" : "");

    /// <summary>As <c>SagaPlan.CanPrestage</c>: no persistent ENI, no root, no onLaunch volumes.</summary>
    private static bool SagaPrestages(PersistenceSpec spec) => !spec.PersistPrivateIp && !spec.PersistRootDevice && spec.BlockDevicesMode == BlockDevicesMode.Reattach;

    /// <summary>
    /// Waits until the managed instance's first continuous snapshot of each volume the mode snapshots is completed,
    /// so that the recovery's final snapshot is incremental, as in steady state (the first one of a volume takes
    /// <c>FirstSnapshotDuration</c>, 60 s by default, instead of 10).
    /// </summary>
    private static async Task WaitForFirstSnapshotAsync(Deployment deployment, ManagedInstanceView view, PersistenceMode mode, CancellationToken ct)
    {
        var volumes = mode == PersistenceMode.RootEni ? [view.RootVolumeId] : view.Volumes.Select(v => v.VolumeId).ToList();
        var wanted = volumes.OfType<string>().ToHashSet(StringComparer.Ordinal);
        Console.WriteLine($"  waiting for the first continuous snapshot of {string.Join(", ", wanted)} (steady state: the recovery's final snapshot is then incremental)");
        var clock = Stopwatch.StartNew();
        var timeout = TimeSpan.FromMinutes(3);
        while (true)
        {
            using (var world = await deployment.Emulator.WorldAsync(ct).ConfigureAwait(false))
            {
                var done = world.RootElement.GetProperty("snapshots").EnumerateArray()
                    .Where(s => s.GetProperty("state").GetString() == "completed"
                        && s.TryGetProperty("ownerAlias", out var alias) && alias.ValueKind == JsonValueKind.Null)
                    .Select(s => s.GetProperty("volumeId").GetString())
                    .OfType<string>()
                    .ToHashSet(StringComparer.Ordinal);
                if (wanted.IsSubsetOf(done))
                {
                    Console.WriteLine($"  completed after {clock.Elapsed.TotalSeconds:0.0} s");
                    return;
                }
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"no completed snapshot of {string.Join(", ", wanted)} within {timeout.TotalSeconds:0} s of the managed instance being Active");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the managed instance with everything it has, so that nothing of it makes EC2 calls in the next mode's phase.</summary>
    private static async Task DeleteAsync(Deployment deployment, BenchOptions options, string id, CancellationToken ct)
    {
        Console.WriteLine($"Deleting {id} with its volumes, ENI, snapshots and images (time scale {options.CreateTimeScale.ToString(Invariant)})");
        await deployment.Emulator.SetTimeScaleAsync(options.CreateTimeScale, ct).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var everything = new DeleteOptions { ShouldDeleteVolumes = true, ShouldDeleteNetworkInterfaces = true, ShouldDeleteSnapshots = true, ShouldDeleteImages = true };
        await deployment.Client.DeleteAsync(id, everything, ct).ConfigureAwait(false);
        var (views, settled) = await Fleet.WaitAsync(deployment.Client, [id], v => v.Status is ManagedInstanceStatus.Deleted or ManagedInstanceStatus.Error,
            TimeSpan.FromMinutes(3), options.Concurrency, "delete", ct).ConfigureAwait(false);
        var status = views.GetValueOrDefault(id)?.Status;
        if (!settled || status != ManagedInstanceStatus.Deleted)
        {
            throw new InvalidOperationException($"deleting {id} ended {(settled ? $"in {status}: {views[id].LastError}" : "at its 3 minute timeout")}");
        }

        Console.WriteLine($"  Deleted in {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
