using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StatefulSpot.Client;

namespace StatefulSpot.Controller.Bench;

/// <summary>
/// StatefulSpot as a user runs it, started for one bench run: local mode (one Silo process with the emulator inside) or
/// cluster mode (a private PostgreSQL, the standalone emulator process, N Silo processes configured only by
/// <c>StatefulSpot__</c> environment variables); the embedded client connected to it; everything on 127.0.0.1.
/// </summary>
internal sealed class Deployment : IAsyncDisposable
{
    private const string ClusterId = "bench";
    private const string ServiceId = "statefulspot-bench";
    private const string Region = "us-east-1";
    private const string AccountId = "123456789012";
    private static readonly TimeSpan StartPatience = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(45);

    private readonly BenchOptions _options;
    private readonly string _directory;
    private readonly List<ChildProcess> _silos = [];
    private readonly List<Uri> _webUrls = [];
    private ChildProcess? _emulatorProcess;
    private PostgresServer? _postgres;
    private IHost? _clientHost;
    private Dictionary<string, string>? _clusterEnvironment;
    private string? _connectionString;
    private int _siloStarts;

    private Deployment(BenchOptions options, string directory)
    {
        _options = options;
        _directory = directory;
        Budget = BudgetPlan.Of(options);
    }

    /// <summary>The EC2 budget multiplier of each phase.</summary>
    public BudgetPlan Budget { get; }

    public EmulatorControl Emulator { get; private set; } = null!;

    /// <summary>The event queue the silos read (the emulator's, in either mode).</summary>
    public string EventQueueUrl => $"{Emulator.ServiceUrl}{AccountId}/statefulspot-events";

    public StatefulSpotClient Client => _clientHost!.Services.GetRequiredService<StatefulSpotClient>();

    public IClusterClient Cluster => _clientHost!.Services.GetRequiredService<IClusterClient>();

    public IReadOnlyList<ChildProcess> Silos => _silos;

    public IReadOnlyList<Uri> WebUrls => _webUrls;

    public string Directory => _directory;

    /// <summary>What the bench configured, one line each, for the output.</summary>
    public List<string> Notes { get; } = [];

    public static string SiloDll => Path.GetFullPath(Metadata("SiloDll"));

    public static async Task<Deployment> StartAsync(BenchOptions options, double initialTimeScale, CancellationToken ct)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("statefulspot-bench-").FullName;
        var deployment = new Deployment(options, directory);
        try
        {
            await deployment.StartAllAsync(initialTimeScale, ct).ConfigureAwait(false);
            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAllAsync(double initialTimeScale, CancellationToken ct)
    {
        var siloDll = SiloDll;
        if (!File.Exists(siloDll))
        {
            throw new InvalidOperationException($"{siloDll} is missing: build the bench (it builds src/Silo in the same configuration).");
        }

        var world = _options.WorldFile ?? Path.GetFullPath(Metadata("WorldFile"));
        if (!File.Exists(world))
        {
            throw new InvalidOperationException($"The world file {world} does not exist.");
        }

        var emulatorSettings = new List<KeyValuePair<string, string>>
        {
            new("TimeScale", initialTimeScale.ToString("R", CultureInfo.InvariantCulture)),
            new("WorldFile", world),
            new("InterruptionNoticeLead", TimeSpan.FromSeconds(_options.NoticeLeadSeconds).ToString("c", CultureInfo.InvariantCulture)),
            new("Throttling:RefillOnSimulatedClock", _options.RefillRealTime ? "false" : "true"),
        };
        emulatorSettings.AddRange(_options.EmulatorSettings);

        var siloEnvironment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["StatefulSpot__Ec2__BudgetShare"] = _options.BudgetShare.ToString("R", CultureInfo.InvariantCulture),
        };

        if (_options.Topology == Topology.Cluster)
        {
            siloEnvironment[BudgetPlan.Variable] = Budget.Setup.ToString("R", CultureInfo.InvariantCulture);
        }

        if (_options.Topology == Topology.Local)
        {
            await StartLocalAsync(siloDll, emulatorSettings, siloEnvironment, ct).ConfigureAwait(false);
        }
        else
        {
            await StartClusterAsync(siloDll, emulatorSettings, siloEnvironment, ct).ConfigureAwait(false);
        }

        Notes.Add("emulator: " + string.Join(", ", emulatorSettings.Select(s => $"{s.Key}={(s.Key == "WorldFile" ? Path.GetFileName(s.Value) : s.Value)}")));
        Notes.Add($"silos: {_silos.Count} x {Path.GetFileName(siloDll)} ({(_options.Topology == Topology.Local ? "local" : "cluster")} mode), "
            + $"StatefulSpot__Ec2__BudgetShare={_options.BudgetShare.ToString(CultureInfo.InvariantCulture)}"
            + (_options.Topology == Topology.Cluster ? $", {BudgetPlan.Variable}={siloEnvironment[BudgetPlan.Variable]}" : "")
            + (_options.SiloEnvironment.Count > 0 ? ", " + string.Join(", ", _options.SiloEnvironment.Select(e => $"{e.Key}={e.Value}")) : ""));
        Notes.AddRange(Budget.Notes(_options));
    }

    private async Task StartLocalAsync(string siloDll, List<KeyValuePair<string, string>> emulatorSettings, Dictionary<string, string> environment,
        CancellationToken ct)
    {
        var gatewayPort = ChildProcess.FreePort();
        environment["StatefulSpot__Mode"] = "local";
        environment["StatefulSpot__DataDirectory"] = Path.Combine(_directory, "silo-0", "data");
        environment["StatefulSpot__SiloPort"] = ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        environment["StatefulSpot__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
        environment["StatefulSpot__DashboardUrl"] = WebUrl();
        foreach (var (key, value) in emulatorSettings)
        {
            environment["StatefulSpot__Emulator__" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var silo = StartSilo(siloDll, 0, environment);
        var up = await silo.WaitForLineAsync(l => l.StartsWith("StatefulSpot (local mode) is up", StringComparison.Ordinal), "being up", StartPatience, ct)
            .ConfigureAwait(false);
        const string marker = "EC2/SQS emulator: ";
        var start = up.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        var url = up[start..].Split(' ', 2)[0];
        Emulator = new EmulatorControl(new Uri(url));
        await ConnectClientAsync(o => o.UseLocalhost(gatewayPort), ct).ConfigureAwait(false);
    }

    private async Task StartClusterAsync(string siloDll, List<KeyValuePair<string, string>> emulatorSettings, Dictionary<string, string> environment,
        CancellationToken ct)
    {
        _postgres = await PostgresServer.StartAsync(Path.Combine(_directory, "postgres"), ct).ConfigureAwait(false);
        var connectionString = await _postgres.CreateDatabaseAsync("statefulspot", ct).ConfigureAwait(false);
        Notes.Add($"PostgreSQL: private server from {_postgres.Bin} on 127.0.0.1:{_postgres.Port}");

        var emulatorDll = Path.GetFullPath(Metadata("EmulatorDll"));
        var emulatorUrl = new Uri($"http://127.0.0.1:{ChildProcess.FreePort()}/");
        var arguments = new List<string> { emulatorDll, "--urls", emulatorUrl.ToString().TrimEnd('/') };
        arguments.AddRange(emulatorSettings.Select(s => $"--Emulator:{s.Key}={s.Value}"));
        _emulatorProcess = ChildProcess.Start("the emulator", "dotnet", arguments, new Dictionary<string, string>(), Path.GetDirectoryName(emulatorDll)!,
            Path.Combine(_directory, "emulator.log"));
        Emulator = new EmulatorControl(emulatorUrl);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await Emulator.IsUpAsync(ct).ConfigureAwait(false))
        {
            if (_emulatorProcess.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the emulator did not answer at {emulatorUrl} within 60 s:\n{_emulatorProcess.Tail()}");
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }

        Notes.Add($"emulator: dotnet {Path.GetFileName(emulatorDll)} --urls {emulatorUrl} (pid {_emulatorProcess.Pid})");

        environment["StatefulSpot__Mode"] = "cluster";
        environment["StatefulSpot__ConnectionString"] = connectionString;
        environment["StatefulSpot__ClusterId"] = ClusterId;
        environment["StatefulSpot__ServiceId"] = ServiceId;
        environment["StatefulSpot__AdvertisedAddress"] = "127.0.0.1";
        environment["StatefulSpot__Aws__Region"] = Region;
        environment["StatefulSpot__Aws__Ec2ServiceUrl"] = emulatorUrl.ToString();
        environment["StatefulSpot__Aws__SqsServiceUrl"] = emulatorUrl.ToString();
        environment["StatefulSpot__EventQueueUrl"] = $"{emulatorUrl}{AccountId}/statefulspot-events";
        _clusterEnvironment = environment;
        _connectionString = connectionString;
        await StartClusterSilosAsync(siloDll, ct).ConfigureAwait(false);
    }

    /// <summary>Starts the cluster's silos (new ports each time), waits until each is up, and connects a new client.</summary>
    private async Task StartClusterSilosAsync(string siloDll, CancellationToken ct)
    {
        for (var i = 0; i < _options.Silos; i++)
        {
            var own = new Dictionary<string, string>(_clusterEnvironment!)
            {
                ["StatefulSpot__SiloPort"] = ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
                ["StatefulSpot__GatewayPort"] = ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
                ["StatefulSpot__DashboardUrl"] = WebUrl(),
            };
            StartSilo(siloDll, i, own);
        }

        await Task.WhenAll(_silos.Select(s => s.WaitForLineAsync(
            l => l.StartsWith("StatefulSpot (cluster mode) is up", StringComparison.Ordinal), "being up", StartPatience, ct))).ConfigureAwait(false);
        await ConnectClientAsync(o =>
        {
            o.ConnectionString = _connectionString;
            o.ClusterId = ClusterId;
            o.ServiceId = ServiceId;
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Cluster mode: disconnects the client, stops every silo by SIGTERM (their normal shutdown; killed after
    /// <see cref="StopPatience"/>), starts them again on new ports with <paramref name="budgetMultiplier"/> against the same
    /// PostgreSQL and emulator, and connects a new client. The managed instances' state is in PostgreSQL.
    /// </summary>
    public async Task<SiloRestart> RestartSilosAsync(double budgetMultiplier, CancellationToken ct)
    {
        if (_clusterEnvironment is null)
        {
            throw new InvalidOperationException("only cluster mode restarts its silos (local mode's emulator is in the silo's process)");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await StopClientAsync().ConfigureAwait(false);
        var stopped = await Task.WhenAll(_silos.Select(s => s.StopAsync(StopPatience, ct))).ConfigureAwait(false);
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync().ConfigureAwait(false);
        }

        var stopSeconds = clock.Elapsed.TotalSeconds;
        _silos.Clear();
        _webUrls.Clear();
        _clusterEnvironment[BudgetPlan.Variable] = budgetMultiplier.ToString("R", CultureInfo.InvariantCulture);
        clock.Restart();
        await StartClusterSilosAsync(SiloDll, ct).ConfigureAwait(false);
        return new SiloRestart(stopSeconds, stopped.Count(s => s.Graceful), stopped.Length,
            string.Join(", ", stopped.Select(s => s.ExitCode.ToString(CultureInfo.InvariantCulture))), clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Cluster mode: kills silo <paramref name="index"/> outright (SIGKILL: no shutdown, in-flight work lost) and starts a
    /// new one in its place on new ports; returns once it is up. The other silos and the client carry on.
    /// </summary>
    public async Task KillAndRestartSiloAsync(int index, CancellationToken ct)
    {
        if (_clusterEnvironment is null)
        {
            throw new InvalidOperationException("only cluster mode kills silos (local mode's emulator is in the silo's process)");
        }

        var victim = _silos[index];
        victim.Kill();
        await victim.DisposeAsync().ConfigureAwait(false);
        var own = new Dictionary<string, string>(_clusterEnvironment)
        {
            ["StatefulSpot__SiloPort"] = ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["StatefulSpot__GatewayPort"] = ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["StatefulSpot__DashboardUrl"] = WebUrl(),
        };
        var replacement = StartSilo(SiloDll, index, own);
        _silos.Remove(replacement);
        _silos[index] = replacement;
        await replacement.WaitForLineAsync(l => l.StartsWith("StatefulSpot (cluster mode) is up", StringComparison.Ordinal), "being up", StartPatience, ct)
            .ConfigureAwait(false);
    }

    private ChildProcess StartSilo(string siloDll, int index, Dictionary<string, string> environment)
    {
        foreach (var (key, value) in _options.SiloEnvironment)
        {
            environment[key] = value;
        }

        // The silo's folder is the working directory, so its appsettings.json applies as for `dotnet run --project src/Silo`.
        var start = _siloStarts++ / Math.Max(1, _options.SiloCount);
        var silo = ChildProcess.Start(start == 0 ? $"silo {index}" : $"silo {index} (start {start + 1})", "dotnet", [siloDll], environment,
            Path.GetDirectoryName(siloDll)!, Path.Combine(_directory, start == 0 ? $"silo-{index}.log" : $"silo-{index}.start{start + 1}.log"));
        _silos.Add(silo);
        return silo;
    }

    private async Task ConnectClientAsync(Action<StatefulSpotClientOptions> configure, CancellationToken ct)
    {
        _clientHost = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseStatefulSpotClient(configure)
            .Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await _clientHost.StartAsync(timeout.Token).ConfigureAwait(false);
    }

    private string WebUrl()
    {
        var url = $"http://127.0.0.1:{ChildProcess.FreePort()}";
        _webUrls.Add(new Uri(url + "/"));
        return url;
    }

    /// <summary>The last lines of every child's output, for a failure message.</summary>
    public string Tails()
    {
        var text = new StringBuilder();
        foreach (var child in _silos.Append(_emulatorProcess).OfType<ChildProcess>())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"--- last lines of {child.Name} ---").AppendLine(child.Tail());
        }

        return text.ToString();
    }

    private static string Metadata(string key) =>
        typeof(Deployment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"no {key} in the bench's assembly metadata");

    private async Task StopClientAsync()
    {
        if (_clientHost is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _clientHost.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // the silos are about to be stopped anyway
            }

            _clientHost.Dispose();
            _clientHost = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopClientAsync().ConfigureAwait(false);

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync().ConfigureAwait(false);
        }

        if (_emulatorProcess is not null)
        {
            await _emulatorProcess.DisposeAsync().ConfigureAwait(false);
        }

        Emulator?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync().ConfigureAwait(false);
        }

        if (!_options.Keep && !(_options.Scenario == Scenario.Chaos && Chaos.ChaosScenario.Violated))
        {
            try
            {
                System.IO.Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // a file still held by an exiting process; the OS cleans /tmp
            }
        }
    }
}

/// <summary>What <see cref="Deployment.RestartSilosAsync"/> did: how long the stop took, how many silos exited by themselves, their exit codes, and how long the start took.</summary>
internal sealed record SiloRestart(double StopSeconds, int Graceful, int Silos, string ExitCodes, double StartSeconds);
