using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime;
using System.Runtime.InteropServices;
using Amazon.EC2;
using Amazon.Runtime;

namespace StatefulSpot.Emulator.Bench;

/// <summary>
/// Seeds an emulator with --resources EC2 resources, then measures DescribeInstances and DescribeVolumes throughput and
/// latency with the real AWSSDK.EC2 client over HTTP (loopback). By default the emulator runs in a child process
/// (this program with --server), so the load generator's CPU is accounted apart from the emulator's; --in-process puts
/// both in one process, --url drives an emulator running elsewhere.
/// </summary>
public static class Program
{
    public const double TargetPerSecond = 2000;

    public static async Task<int> Main(string[] args)
    {
        try
        {
            return await RunAsync(args).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return 130;
        }
    }

    private static async Task<int> RunAsync(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(BenchOptions.Usage).ConfigureAwait(false);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        var (emulatorOptions, settings) = EmulatorSettings.Create(options);
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        switch (options.Mode)
        {
            case BenchMode.Server:
            {
                await using var server = await AwsEmulator.StartAsync(emulatorOptions, options.Listen, cancel.Token).ConfigureAwait(false);
                await ServerProcess.ServeUntilParentExitsAsync(server.ServiceUrl).ConfigureAwait(false);
                return 0;
            }

            case BenchMode.CannedServer:
            {
                var ids = new SeededWorld(options.InstanceIds, 1, options.VolumeIds, 1, 0);
                await using var canned = await CannedServer.StartAsync(options.Url!, ids, options, cancel.Token).ConfigureAwait(false);
                await ServerProcess.ServeUntilParentExitsAsync(canned.Url).ConfigureAwait(false);
                return 0;
            }
        }

        Console.WriteLine($"Emulator.Bench: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, "
            + $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, {Configuration}");
        if (Configuration != "Release")
        {
            Console.WriteLine("  warning: not a Release build; run with -c Release for real figures");
        }

        Console.WriteLine(options.Mode switch
        {
            BenchMode.InProcess => "Emulator in this process (--in-process): CPU, allocations and working set are emulator and client together",
            BenchMode.Client => $"Emulator at {options.Url} (--url): CPU, allocations and working set are the client's only",
            _ => "Emulator in a child process (--server): 'client' figures are this process, 'emulator' the child; both share this machine's cores",
        });
        if (options.Mode != BenchMode.Client)
        {
            Console.WriteLine("Emulator options: " + string.Join(", ", settings));
        }

        await using var memory = new MemorySampler(TimeSpan.FromMilliseconds(50));
        await using var emulator = options.Mode == BenchMode.InProcess
            ? await AwsEmulator.StartAsync(emulatorOptions, ct: cancel.Token).ConfigureAwait(false)
            : null;
        await using var child = options.Mode == BenchMode.OutOfProcess
            ? await ServerProcess.StartAsync(["--server", .. options.ServerArguments()], cancel.Token).ConfigureAwait(false)
            : null;
        var url = emulator?.ServiceUrl ?? child?.Url ?? options.Url!;
        Func<TimeSpan>? serverCpu = child is null ? null : () => child.CpuTime;
        using var ec2 = Client(url, emulatorOptions.Region, options.Workers);

        Console.WriteLine($"Seeding {options.Instances:N0} instances (RunInstances, {options.Batch} per call) and {options.Volumes:N0} volumes at {url}");
        memory.StartPhase();
        var world = await new Seeder(ec2, options, Console.Out).SeedAsync(cancel.Token).ConfigureAwait(false);
        Console.WriteLine($"  peak working set while seeding: {Megabytes(memory.PhasePeak)}");
        Console.WriteLine("World: " + Describe(await SnapshotAsync(url, cancel.Token).ConfigureAwait(false)));

        var apis = new[] { Apis.DescribeInstances, Apis.DescribeVolumes }
            .Where(api => options.Only is not { } only || api.EndsWith(only, StringComparison.OrdinalIgnoreCase))
            .Where(api => api == Apis.DescribeInstances ? world.InstanceIds.Count > 0 : world.VolumeIds.Count > 0)
            .ToList();
        using var rawHttp = options.Raw
            ? new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Workers * 2 }) { BaseAddress = url }
            : null;
        if (rawHttp is not null)
        {
            Console.WriteLine("Load generator: raw EC2 Query posts (--raw), responses scanned for items and NextToken, not parsed by the SDK");
        }

        var runner = new LoadRunner(ec2, world, options, memory, serverCpu, rawHttp is null ? null : new RawEc2Client(rawHttp));
        var results = new List<LoadResult>();
        foreach (var api in apis)
        {
            Console.WriteLine();
            Console.WriteLine($"{api}: {options.Workers} workers, {options.WarmupSeconds:0.#} s warm-up, {options.DurationSeconds:0.#} s measured, "
                + $"mix {Mix(options)}{LoadAverage()}");
            var result = await runner.RunAsync(api, cancel.Token).ConfigureAwait(false);
            Print(result);
            results.Add(result);
        }

        if (options.Baseline)
        {
            await RunBaselineAsync(options, url, world, emulatorOptions.Region, apis, memory, cancel.Token).ConfigureAwait(false);
        }

        Console.WriteLine();
        Console.WriteLine(options.Mode == BenchMode.InProcess
            ? $"Peak working set of the process (emulator + SDK client + seeded world): {Megabytes(memory.OverallPeak)}"
            : $"Peak working set: client {Megabytes(memory.OverallPeak)}" + (child is null ? "" : $", emulator {Megabytes(child.PeakWorkingSet)}"));
        foreach (var result in results)
        {
            Console.WriteLine($"Target >= {TargetPerSecond:N0} req/s for {result.Api}: {result.All.PerSecond:N0} req/s, "
                + (result.All.PerSecond >= TargetPerSecond ? "met" : "MISSED"));
        }

        return results.Any(r => r.Errors > 0) ? 1 : 0;
    }

    /// <summary>The same mix against canned responses, served like the emulator is (same process or a child).</summary>
    private static async Task RunBaselineAsync(
        BenchOptions options, Uri emulatorUrl, SeededWorld world, string region, IReadOnlyList<string> apis, MemorySampler memory, CancellationToken ct)
    {
        await using var canned = options.Mode == BenchMode.InProcess
            ? await CannedServer.StartAsync(emulatorUrl, world, options, ct).ConfigureAwait(false)
            : null;
        await using var child = options.Mode == BenchMode.InProcess
            ? null
            : await ServerProcess.StartAsync(
                [
                    "--canned-server", "--emulator", emulatorUrl.ToString(), "--page-size", options.PageSize.ToString(CultureInfo.InvariantCulture),
                    "--instance-ids", string.Join(',', world.InstanceIds.Take(3)), "--volume-ids", string.Join(',', world.VolumeIds.Take(3)),
                ],
                ct).ConfigureAwait(false);
        var url = canned?.Url ?? child!.Url;
        using var cannedClient = Client(url, region, options.Workers);
        var baseline = new LoadRunner(cannedClient, world, options, memory, child is null ? null : () => child.CpuTime);
        foreach (var api in apis)
        {
            Console.WriteLine();
            Console.WriteLine($"Baseline {api} (same mix, canned emulator responses{(child is null ? "" : " from a child process")}: "
                + $"{options.Workers} workers, {options.DurationSeconds:0.#} s){LoadAverage()}");
            Print(await baseline.RunAsync(api, ct).ConfigureAwait(false));
        }

        if (canned is not null)
        {
            Console.WriteLine("  canned bodies: " + canned.Sizes);
        }
    }

    private static async Task<WorldSnapshot> SnapshotAsync(Uri emulator, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = emulator };
        return await http.GetFromJsonAsync<WorldSnapshot>(new Uri("_emulator/world", UriKind.Relative), ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The emulator answered an empty world snapshot.");
    }

    private static AmazonEC2Client Client(Uri url, string region, int workers) =>
        new(new BasicAWSCredentials("bench", "bench"), new AmazonEC2Config
        {
            ServiceURL = url.ToString(),
            AuthenticationRegion = region,
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(60),
            MaxConnectionsPerServer = workers * 2,
        });

    /// <summary>The 1-minute load average (Linux), to tell a quiet machine from a busy one.</summary>
    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? "; load average " + File.ReadAllText("/proc/loadavg").Split(' ')[0] : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static string Configuration =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false)
            .OfType<DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled) ? "Debug" : "Release";

    private static void Print(LoadResult r)
    {
        Console.WriteLine($"  {"kind",-10} {"requests",9} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8} {"items/resp",10}");
        foreach (var (kind, k) in r.Kinds)
        {
            Row(Name(kind), k);
        }

        Row("all", r.All);
        Console.WriteLine($"  errors: {r.Errors}{(r.FirstError is null ? "" : " (first: " + r.FirstError + ")")}");
        var requests = r.All.Requests + r.Errors;
        var cpu = r.ServerCpuCores is { } server
            ? string.Create(CultureInfo.InvariantCulture,
                $"CPU: server {server:F2} + client {r.CpuCores:F2} of {Environment.ProcessorCount} cores; server {PerRequestMs(server):F3} ms CPU per request ({(server > 0 ? r.All.PerSecond / server : 0):N0} req/s per server core); client")
            : $"process CPU {r.CpuCores:F2} of {Environment.ProcessorCount} cores;";
        Console.WriteLine($"  {cpu} {r.AllocatedBytesPerRequest / 1024:N1} KiB allocated per request; "
            + $"GCs gen0/1/2 {r.Collections.Gen0}/{r.Collections.Gen1}/{r.Collections.Gen2}; peak working set {Megabytes(r.PeakWorkingSet)}");
        return;

        double PerRequestMs(double cores) => requests == 0 ? 0 : cores * r.Elapsed.TotalMilliseconds / requests;

        static void Row(string name, KindResult k) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-10} {k.Requests,9:N0} {k.PerSecond,8:N0} {k.P50,8:F2} {k.P95,8:F2} {k.P99,8:F2} {k.Max,8:F1} {k.ItemsPerResponse,10:F1}"));
    }

    private static string Mix(BenchOptions options) => string.Join(" / ", options.Kinds.Select(k => k switch
    {
        RequestKind.ById => "by-id (1-5 ids)",
        RequestKind.ByTag => "by-tag (tag:group)",
        _ => $"paged (MaxResults {options.PageSize})",
    }));

    private static string Name(RequestKind kind) => kind switch
    {
        RequestKind.ById => "by-id",
        RequestKind.ByTag => "by-tag",
        _ => "paged",
    };

    private static string Describe(WorldSnapshot world)
    {
        var states = world.Instances.GroupBy(i => i.State).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count():N0} {g.Key}");
        var volumes = world.Volumes.GroupBy(v => v.State).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count():N0} {g.Key}");
        return $"{world.Instances.Count:N0} instances ({string.Join(", ", states)}), {world.Volumes.Count:N0} volumes ({string.Join(", ", volumes)}), "
            + $"{world.NetworkInterfaces.Count:N0} network interfaces; {world.Instances.Count + world.Volumes.Count + world.NetworkInterfaces.Count:N0} resources";
    }

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:N0} MiB");
}
