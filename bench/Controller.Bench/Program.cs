using System.Diagnostics;
using System.Runtime.InteropServices;

namespace StatefulSpot.Controller.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/Controller.Bench -- &lt;scenario&gt; [options]</c>: see <see cref="BenchOptions.Usage"/>.
/// Exit codes: 0 the run completed (whatever its figures), 1 it could not run, 2 bad arguments, 3 chaos found a violation.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message + "\n\n" + BenchOptions.Usage).ConfigureAwait(false);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Console.Error.WriteLine("Interrupted: stopping the child processes.");
            cancel.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancel.Cancel();
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcess.KillAll();

        Console.WriteLine($"Controller.Bench: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, "
            + $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()}");
        Console.WriteLine($"Scenario {options.Scenario.ToString().ToLowerInvariant()}{(options.Quick ? " (--quick)" : "")}: mode {options.Topology.ToString().ToLowerInvariant()}, "
            + $"{options.SiloCount} silo(s), N={options.N}, time scale {options.TimeScale}, create time scale {options.CreateTimeScale}, "
            + $"refill {(options.RefillRealTime ? "real time" : "simulated clock")}, budget share {options.BudgetShare}, notice lead {options.NoticeLeadSeconds} s"
            + (options.Scenario == Scenario.Single ? $", persistence {string.Join(", ", options.Persistence.Select(m => m.Name()))}" : ""));

        var clock = Stopwatch.StartNew();
        Deployment? deployment = null;
        try
        {
            var initialScale = options.Scenario == Scenario.Creates ? options.TimeScale : options.CreateTimeScale;
            deployment = await Deployment.StartAsync(options, initialScale, cancel.Token).ConfigureAwait(false);
            foreach (var note in deployment.Notes)
            {
                Console.WriteLine("  " + note);
            }

            Console.WriteLine($"  up in {clock.Elapsed.TotalSeconds:0.0} s; temp directory {deployment.Directory}{(options.Keep ? " (kept)" : "")}");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            _ = options.Scenario switch
            {
                Scenario.Mass => await Scenarios.MassAsync(deployment, options, http, cancel.Token).ConfigureAwait(false),
                Scenario.Single => await SingleScenario.RunAsync(deployment, options, http, cancel.Token).ConfigureAwait(false),
                Scenario.Creates => await Scenarios.CreatesAsync(deployment, options, http, cancel.Token).ConfigureAwait(false),
                Scenario.Memory => await Scenarios.MemoryAsync(deployment, options, cancel.Token).ConfigureAwait(false),
                Scenario.Junk => await JunkScenario.RunAsync(deployment, options, http, cancel.Token).ConfigureAwait(false),
                Scenario.Chaos => await Chaos.ChaosScenario.RunAsync(deployment, options, cancel.Token).ConfigureAwait(false),
                _ => throw new InvalidOperationException("no scenario"),
            };
            Console.WriteLine($"(whole run {clock.Elapsed.TotalSeconds:0} s)");
            return options.Scenario == Scenario.Chaos && Chaos.ChaosScenario.Violated ? 3 : 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("The run was interrupted.").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"The run could not complete: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            if (deployment is not null)
            {
                await Console.Error.WriteLineAsync(deployment.Tails()).ConfigureAwait(false);
            }

            return 1;
        }
        finally
        {
            if (deployment is not null)
            {
                await deployment.DisposeAsync().ConfigureAwait(false);
            }

            ChildProcess.KillAll();
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
