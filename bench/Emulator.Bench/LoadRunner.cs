using System.Diagnostics;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;

namespace StatefulSpot.Emulator.Bench;

/// <summary>The three request shapes of the mix, taken in turn by every worker.</summary>
internal enum RequestKind
{
    /// <summary>1 to 5 random ids of seeded resources.</summary>
    ById,

    /// <summary>One <c>tag:group</c> filter value (one seeded batch, about --batch resources).</summary>
    ByTag,

    /// <summary>MaxResults = --page-size, each worker walking the whole list with NextToken and starting over.</summary>
    Paged,
}

/// <summary>The latencies and counts of one measured API.</summary>
internal sealed record LoadResult(
    string Api,
    TimeSpan Elapsed,
    IReadOnlyDictionary<RequestKind, KindResult> Kinds,
    KindResult All,
    int Errors,
    string? FirstError,
    double CpuCores,
    double? ServerCpuCores,
    double AllocatedBytesPerRequest,
    (int Gen0, int Gen1, int Gen2) Collections,
    long PeakWorkingSet);

/// <summary>Latency percentiles (ms) and counts of one request kind.</summary>
internal sealed record KindResult(int Requests, double PerSecond, double P50, double P95, double P99, double Max, double ItemsPerResponse);

/// <summary>Runs --workers request loops against one Describe API for a fixed time and collects what they saw.</summary>
/// <remarks><paramref name="serverCpu"/> reads the CPU time of a server in another process, when there is one.</remarks>
internal sealed class LoadRunner(IAmazonEC2 ec2, SeededWorld world, BenchOptions options, MemorySampler memory, Func<TimeSpan>? serverCpu = null,
    RawEc2Client? raw = null)
{
    public async Task<LoadResult> RunAsync(string api, CancellationToken ct)
    {
        if (options.WarmupSeconds > 0)
        {
            await RunWorkersAsync(api, TimeSpan.FromSeconds(options.WarmupSeconds), ct).ConfigureAwait(false);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        memory.StartPhase();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var serverCpuBefore = serverCpu?.Invoke();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var clock = Stopwatch.StartNew();

        var workers = await RunWorkersAsync(api, TimeSpan.FromSeconds(options.DurationSeconds), ct).ConfigureAwait(false);

        var elapsed = clock.Elapsed;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / elapsed.TotalSeconds;
        double? serverCores = serverCpu is null ? null : (serverCpu() - serverCpuBefore!.Value).TotalSeconds / elapsed.TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        var collections = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
        var kinds = options.Kinds.ToDictionary(
            k => k,
            k => Summarize(workers.SelectMany(w => w.Latencies[(int)k]).ToList(), workers.Sum(w => w.Items[(int)k]), elapsed));
        var all = Summarize(workers.SelectMany(w => w.Latencies.SelectMany(l => l)).ToList(), workers.Sum(w => w.Items.Sum()), elapsed);
        var errors = workers.Sum(w => w.Errors);
        return new LoadResult(
            api, elapsed, kinds, all, errors, workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null), cpu, serverCores,
            all.Requests + errors == 0 ? 0 : (double)allocated / (all.Requests + errors), collections, memory.PhasePeak);
    }

    private async Task<Worker[]> RunWorkersAsync(string api, TimeSpan duration, CancellationToken ct)
    {
        var workers = Enumerable.Range(0, options.Workers).Select(i => new Worker(i, options.Seed)).ToArray();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(workers.Select(w => Task.Run(() => LoopAsync(api, w, deadline, ct), ct))).ConfigureAwait(false);
        return workers;
    }

    private async Task LoopAsync(string api, Worker worker, long deadline, CancellationToken ct)
    {
        for (var n = worker.Index; Stopwatch.GetTimestamp() < deadline; n++)
        {
            var kind = options.Kinds[n % options.Kinds.Count];
            var started = Stopwatch.GetTimestamp();
            try
            {
                var items = raw is not null
                    ? await RawDescribeAsync(raw, api, kind, worker, ct).ConfigureAwait(false)
                    : api == Apis.DescribeInstances
                        ? await DescribeInstancesAsync(kind, worker, ct).ConfigureAwait(false)
                        : await DescribeVolumesAsync(kind, worker, ct).ConfigureAwait(false);
                worker.Latencies[(int)kind].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                worker.Items[(int)kind] += items;
            }
            catch (AmazonServiceException e)
            {
                worker.Errors++;
                worker.FirstError ??= $"{kind}: {e.ErrorCode} {e.StatusCode}: {e.Message}";
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                worker.Errors++;
                worker.FirstError ??= $"{kind}: {e.GetType().Name}: {e.Message}";
            }
        }
    }

    /// <summary>The same request as the SDK path, as a form post; the answer is scanned, not parsed.</summary>
    private async Task<int> RawDescribeAsync(RawEc2Client client, string api, RequestKind kind, Worker worker, CancellationToken ct)
    {
        var instances = api == Apis.DescribeInstances;
        var parameters = kind switch
        {
            RequestKind.ById => RawEc2Client.List(instances ? "InstanceId" : "VolumeId", worker.Pick(instances ? world.InstanceIds : world.VolumeIds)),
            RequestKind.ByTag => "Filter.1.Name=tag%3Agroup&Filter.1.Value.1="
                + Uri.EscapeDataString(Seeder.Group(worker.Random.Next(instances ? world.InstanceGroups : world.VolumeGroups))),
            _ => $"MaxResults={options.PageSize}" + ((instances ? worker.InstancesCursor : worker.VolumesCursor) is { } cursor
                ? "&NextToken=" + Uri.EscapeDataString(cursor)
                : ""),
        };
        var (items, nextToken) = await client.DescribeAsync(api, parameters, instances ? "<instanceState>" : "<createTime>", ct).ConfigureAwait(false);
        if (kind == RequestKind.Paged)
        {
            if (instances)
            {
                worker.InstancesCursor = nextToken;
            }
            else
            {
                worker.VolumesCursor = nextToken;
            }
        }

        return items;
    }

    private async Task<int> DescribeInstancesAsync(RequestKind kind, Worker worker, CancellationToken ct)
    {
        var request = new DescribeInstancesRequest();
        switch (kind)
        {
            case RequestKind.ById:
                request.InstanceIds = worker.Pick(world.InstanceIds);
                break;
            case RequestKind.ByTag:
                request.Filters = [new Filter("tag:group", [Seeder.Group(worker.Random.Next(world.InstanceGroups))])];
                break;
            default:
                request.MaxResults = options.PageSize;
                request.NextToken = worker.InstancesCursor;
                break;
        }

        var response = await ec2.DescribeInstancesAsync(request, ct).ConfigureAwait(false);
        if (kind == RequestKind.Paged)
        {
            worker.InstancesCursor = response.NextToken;
        }

        return (response.Reservations ?? []).Sum(r => r.Instances?.Count ?? 0);
    }

    private async Task<int> DescribeVolumesAsync(RequestKind kind, Worker worker, CancellationToken ct)
    {
        var request = new DescribeVolumesRequest();
        switch (kind)
        {
            case RequestKind.ById:
                request.VolumeIds = worker.Pick(world.VolumeIds);
                break;
            case RequestKind.ByTag:
                request.Filters = [new Filter("tag:group", [Seeder.Group(worker.Random.Next(world.VolumeGroups))])];
                break;
            default:
                request.MaxResults = options.PageSize;
                request.NextToken = worker.VolumesCursor;
                break;
        }

        var response = await ec2.DescribeVolumesAsync(request, ct).ConfigureAwait(false);
        if (kind == RequestKind.Paged)
        {
            worker.VolumesCursor = response.NextToken;
        }

        return response.Volumes?.Count ?? 0;
    }

    private static KindResult Summarize(List<double> latencies, long items, TimeSpan elapsed)
    {
        if (latencies.Count == 0)
        {
            return new KindResult(0, 0, 0, 0, 0, 0, 0);
        }

        latencies.Sort();
        return new KindResult(
            latencies.Count,
            latencies.Count / elapsed.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.95),
            Percentile(latencies, 0.99),
            latencies[^1],
            (double)items / latencies.Count);
    }

    /// <summary>Nearest-rank percentile of a sorted list.</summary>
    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed class Worker(int index, int seed)
    {
        public int Index { get; } = index;

        public Random Random { get; } = new(seed + index);

        public List<double>[] Latencies { get; } = [[], [], []];

        public long[] Items { get; } = new long[3];

        public int Errors { get; set; }

        public string? FirstError { get; set; }

        public string? InstancesCursor { get; set; }

        public string? VolumesCursor { get; set; }

        /// <summary>1 to 5 distinct random ids.</summary>
        public List<string> Pick(IReadOnlyList<string> ids)
        {
            var count = Math.Min(ids.Count, Random.Next(1, 6));
            var picked = new HashSet<string>(StringComparer.Ordinal);
            while (picked.Count < count)
            {
                picked.Add(ids[Random.Next(ids.Count)]);
            }

            return [.. picked];
        }
    }
}

/// <summary>The measured APIs.</summary>
internal static class Apis
{
    public const string DescribeInstances = "DescribeInstances";
    public const string DescribeVolumes = "DescribeVolumes";
}
