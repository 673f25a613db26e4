using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StatefulSpot.Cluster.Tests.LocalMode;

/// <summary>
/// The README's run command, as a real process: `StatefulSpot.Silo --demo` in local mode must recover an
/// interruption and keep its state in the data directory across a restart.
/// </summary>
public sealed class LocalModeProcessTests : IDisposable
{
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("statefulspot-local-").FullName;

    [Fact]
    public async Task Demo_RecoversTheInterruption_AndStateSurvivesARestart()
    {
        var first = await RunSiloAsync("--demo");

        Assert.True(first.ExitCode == 0, $"the demo exited with {first.ExitCode}:\n{first.Output}");
        Assert.Contains("recovered smi-", first.Output);
        Assert.Contains("(same)", first.Output);
        Assert.Matches(@"downtime\s+\d+\.\d s as the application sees it", first.Output);
        Assert.DoesNotContain("CHANGED", first.Output);

        // A normal start shows no stack trace and no retries (the dashboard once started before the silo could place its grain).
        Assert.DoesNotContain("   at ", first.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Polly", first.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown SystemTarget", first.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_workDirectory, "data", "statefulspot.db")), "no SQLite database in the data directory");
        Assert.True(File.Exists(Path.Combine(_workDirectory, "data", "emulator-world.json")), "no emulator world file in the data directory");

        // A second run on the same data directory finds the first demo's managed instance again.
        var second = await RunSiloAsync("--demo");

        Assert.True(second.ExitCode == 0, $"the second demo exited with {second.ExitCode}:\n{second.Output}");
        Assert.Contains("Resume sweep woke 1 managed instance(s)", second.Output);
    }

    [Theory]
    [InlineData("dashboard", "StatefulSpot:DashboardUrl")]
    [InlineData("gateway", "StatefulSpot:GatewayPort")]
    public async Task APortInUse_EndsTheStartWithExitCode2_AndASentenceThatNamesTheSetting(string which, string setting)
    {
        using var taken = new TcpListener(IPAddress.Any, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var run = await RunSiloAsync(which == "dashboard" ? port : null, which == "gateway" ? port : null);

        Assert.True(run.ExitCode == 2, $"the silo exited with {run.ExitCode}:\n{run.Output}");
        Assert.Contains("StatefulSpot cannot start:", run.Output, StringComparison.Ordinal);
        Assert.Contains(setting, run.Output, StringComparison.Ordinal);
        Assert.Contains("already in use", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Output, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> RunSiloAsync(params string[] extra) => RunSiloAsync(null, null, extra);

    private async Task<(int ExitCode, string Output)> RunSiloAsync(int? dashboardPort, int? gatewayPort, params string[] extra)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "StatefulSpot.Silo.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[silo, .. extra,
                     $"--StatefulSpot:DashboardUrl=http://127.0.0.1:{dashboardPort ?? FreePort()}",
                     $"--StatefulSpot:SiloPort={FreePort()}",
                     $"--StatefulSpot:GatewayPort={gatewayPort ?? FreePort()}",
                     "--StatefulSpot:Emulator:TimeScale=0.02",
                     "--StatefulSpot:Saga:PollInterval=00:00:00.100",
                     "--Logging:LogLevel:Default=Warning",
                     "--Logging:LogLevel:StatefulSpot=Information"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the silo did not finish the demo within 2 minutes:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting process; the temp folder is cleaned by the OS.
        }
    }
}
