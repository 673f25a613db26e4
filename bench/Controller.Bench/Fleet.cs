using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using StatefulSpot.Client;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Controller.Bench;

/// <summary>Creating, polling and summarising many managed instances through the embedded client, every wait bounded.</summary>
internal static partial class Fleet
{
    /// <summary>The world's ids (bench/worlds/large-subnets.json keeps the default world's).</summary>
    private const string ImageId = "ami-0123456789abcdef0";
    private static readonly string[] Subnets = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2", "subnet-0ccccccccccccccc3"];

    /// <summary>Addresses one /20 subnet of the large world holds (4,091), less room for the old and new instances' churn.</summary>
    private const int PerSubnet = 4000;

    /// <summary>
    /// The README demo's spec (src/Silo/Demo/InterruptionDemo.cs): m5.large Spot, one 100 GiB gp3 data volume at /dev/sdf
    /// in reattach mode, persistPrivateIp; in subnet A, or spread over the three subnets when one cannot hold the fleet.
    /// Another <paramref name="mode"/> changes only the persistence (and, where the mode snapshots continuously, takes
    /// the shortest snapshot interval, 1 minute, so that the first snapshot is there soon).
    /// </summary>
    public static ManagedInstanceSpec Spec(int index, int fleetSize, PersistenceMode mode = PersistenceMode.ReattachEni) => new()
    {
        Name = mode == PersistenceMode.ReattachEni ? $"bench-{index:D5}" : $"bench-{index:D5}-{mode.Name()}",
        SubnetIds = [fleetSize <= PerSubnet ? Subnets[0] : Subnets[index % Subnets.Length]],
        LaunchSpecification = new LaunchSpecification
        {
            ImageId = ImageId,
            InstanceTypes = InstanceTypesSpec.Of("m5.large"),
            BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 100 }],
            Tags = new Dictionary<string, string> { ["app"] = "bench" },
        },
        Persistence = mode.Spec(),
        Snapshots = mode.SnapshotsContinuously() ? new SnapshotSpec { Interval = TimeSpan.FromMinutes(1) } : new SnapshotSpec(),
    };

    public static string SubnetNote(int fleetSize) => fleetSize <= PerSubnet ? "subnet A" : "subnets A/B/C round robin";

    /// <summary>N creates, <paramref name="concurrency"/> at a time; returns the ids in order and when the first call started.</summary>
    public static Task<(List<string> Ids, DateTimeOffset FirstCall)> CreateAsync(StatefulSpotClient client, int n, int concurrency, CancellationToken ct) =>
        CreateAsync(client, n, concurrency, PersistenceMode.ReattachEni, ct);

    /// <summary>N creates of <paramref name="mode"/>'s spec, <paramref name="concurrency"/> at a time.</summary>
    public static async Task<(List<string> Ids, DateTimeOffset FirstCall)> CreateAsync(StatefulSpotClient client, int n, int concurrency, PersistenceMode mode,
        CancellationToken ct)
    {
        var ids = new string[n];
        var first = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
            async (i, token) =>
            {
                using var call = CancellationTokenSource.CreateLinkedTokenSource(token);
                call.CancelAfter(TimeSpan.FromSeconds(60));
                ids[i] = (await client.CreateAsync(Spec(i, n, mode), call.Token).ConfigureAwait(false)).Id;
            }).ConfigureAwait(false);
        return ([.. ids], first);
    }

    /// <summary>
    /// Polls every id until <paramref name="settled"/> holds for it or <paramref name="timeout"/> passes; prints progress.
    /// Returns the last view of each and whether all settled. Client calls that fail are retried at the next round.
    /// </summary>
    public static async Task<(Dictionary<string, ManagedInstanceView> Views, bool AllSettled)> WaitAsync(StatefulSpotClient client,
        IReadOnlyList<string> ids, Func<ManagedInstanceView, bool> settled, TimeSpan timeout, int concurrency, string what, CancellationToken ct)
    {
        var views = new ConcurrentDictionary<string, ManagedInstanceView>();
        var pending = new HashSet<string>(ids);
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        Exception? lastError = null;
        while (pending.Count > 0 && clock.Elapsed < timeout)
        {
            var done = new ConcurrentBag<string>();
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (id, token) =>
            {
                try
                {
                    using var call = CancellationTokenSource.CreateLinkedTokenSource(token);
                    call.CancelAfter(TimeSpan.FromSeconds(20));
                    if (await client.GetAsync(id, call.Token).ConfigureAwait(false) is { } view)
                    {
                        views[id] = view;
                        if (settled(view))
                        {
                            done.Add(id);
                        }
                    }
                }
                catch (Exception exception) when (exception is not ManagedInstanceException && !token.IsCancellationRequested)
                {
                    lastError = exception;
                }
            }).ConfigureAwait(false);
            pending.ExceptWith(done);

            if (pending.Count == 0)
            {
                break;
            }

            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(15))
            {
                lastReport = clock.Elapsed;
                var byStatus = views.Values.GroupBy(v => v.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
                Console.WriteLine($"  {what}: {ids.Count - pending.Count}/{ids.Count} settled after {clock.Elapsed.TotalSeconds:0} s ({string.Join(", ", byStatus)})"
                    + (lastError is null ? "" : $"; last client error: {lastError.GetType().Name}: {lastError.Message}"));
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        }

        return (new Dictionary<string, ManagedInstanceView>(views), pending.Count == 0);
    }

    /// <summary>Error messages with the ids and request ids taken out, so that the same failure counts once.</summary>
    public static List<(string Message, int Count)> DistinctErrors(IEnumerable<string?> errors) => errors
        .Select(e => Ids().Replace(e ?? "(no message)", "…"))
        .GroupBy(e => e)
        .OrderByDescending(g => g.Count())
        .Select(g => (g.Key, g.Count()))
        .ToList();

    [GeneratedRegex(@"\b(?:i|vol|eni|smi|snap|ami|r|sir)-[0-9a-f]{8,17}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")]
    private static partial Regex Ids();
}
