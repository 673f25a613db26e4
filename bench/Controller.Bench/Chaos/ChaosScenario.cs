using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Controller.Bench.Chaos;

/// <summary>
/// <c>chaos</c>: M managed instances of every persistence mode on a cluster, then <c>--fault-seconds</c> of mixed faults
/// (5xx, lost answers, throttles, latency spikes, eventual consistency, stuck detaches, a Spot capacity outage), random
/// interruptions, rebalance recommendations, Health events, junk on the queue and a silo killed by SIGKILL; then the
/// faults stop, every managed instance must settle, the invariants are checked against the emulator's world, and every
/// managed instance is deleted with everything it has: nothing tagged as ours may be left. A seed makes the schedule
/// repeatable (the cluster's own timing is not).
/// </summary>
internal static class ChaosScenario
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private const string ImageId = "ami-0123456789abcdef0";
    private const string Subnet = "subnet-0aaaaaaaaaaaaaaa1";
    private const string Zone = "us-east-1a";

    private enum Mode
    {
        ReattachWithEni,
        ReattachPrestaged,
        RootAndEni,
        OnLaunch,
    }

    /// <summary>Whether the last run found a violation (the bench then exits 3).</summary>
    public static bool Violated { get; private set; }

    public static async Task<string> RunAsync(Deployment deployment, BenchOptions options, CancellationToken ct)
    {
        var random = new Random(options.Seed);
        var client = deployment.Client;
        var emulator = deployment.Emulator;
        await emulator.SetTimeScaleAsync(options.TimeScale, ct).ConfigureAwait(false);

        Console.WriteLine($"Creating {options.N} managed instances of 4 persistence modes (seed {options.Seed})");
        var modes = new Dictionary<string, Mode>();
        foreach (var i in Enumerable.Range(0, options.N))
        {
            var mode = (Mode)(i % 4);
            modes[(await client.CreateAsync(Spec(i, mode), ct).ConfigureAwait(false)).Id] = mode;
        }

        var (created, allCreated) = await Fleet.WaitAsync(client, [.. modes.Keys], v => v.Status != ManagedInstanceStatus.Creating,
            TimeSpan.FromMinutes(10), options.Concurrency, "creates", ct).ConfigureAwait(false);
        var initial = created.Values.Where(v => v.Status == ManagedInstanceStatus.Active).ToDictionary(v => v.Id);
        Console.WriteLine($"  {initial.Count} of {modes.Count} Active (all settled: {allCreated})");

        var events = await InjectAsync(deployment, options, random, initial, ct).ConfigureAwait(false);
        Console.WriteLine($"Faults stopped after {options.FaultSeconds} s: {string.Join(", ", events.OrderBy(e => e.Key).Select(e => $"{e.Key} {e.Value}"))}");

        var (settled, allSettled) = await Fleet.WaitAsync(client, [.. modes.Keys],
            v => v.CurrentStep is null && v.Status is ManagedInstanceStatus.Active or ManagedInstanceStatus.Error,
            TimeSpan.FromMinutes(15), options.Concurrency, "settling", ct).ConfigureAwait(false);
        using var worldDocument = await emulator.WorldAsync(ct).ConfigureAwait(false);
        var world = ChaosWorld.Read(worldDocument);

        var errors = settled.Values.Where(v => v.Status == ManagedInstanceStatus.Error).ToList();
        var volumesLost = new List<string>();
        var ipsChanged = new List<string>();
        var unrecorded = new List<string>();
        foreach (var (id, before) in initial)
        {
            if (!settled.TryGetValue(id, out var now) || now.Status != ManagedInstanceStatus.Active)
            {
                continue;
            }

            var live = world.LiveInstancesOf(id).Where(i => i.Id != now.InstanceId).Select(i => $"{i.Id} ({i.State})").ToList();
            unrecorded.AddRange(live.Select(l => $"{id}: {l}"));
            var current = world.Instances.FirstOrDefault(i => i.Id == now.InstanceId);
            if (modes[id] == Mode.OnLaunch)
            {
                if (current is null || current.VolumeIds.Count < 2)
                {
                    volumesLost.Add($"{id}: its instance has {current?.VolumeIds.Count ?? 0} volume(s), the root and /dev/sdf expected");
                }
            }
            else if (before.Volumes.Select(v => v.VolumeId).Order().SequenceEqual(now.Volumes.Select(v => v.VolumeId).Order()) is false
                || now.Volumes.Any(v => current?.VolumeIds.Contains(v.VolumeId!) != true))
            {
                volumesLost.Add($"{id}: volumes {string.Join(",", before.Volumes.Select(v => v.VolumeId))} -> {string.Join(",", now.Volumes.Select(v => v.VolumeId))} on {now.InstanceId}");
            }

            if (modes[id] is Mode.ReattachWithEni or Mode.RootAndEni && now.PrivateIp != before.PrivateIp)
            {
                ipsChanged.Add($"{id}: {before.PrivateIp} -> {now.PrivateIp}");
            }
        }

        var doubles = world.DoubleAttachments(modes.Keys);
        Console.WriteLine($"Deleting all {modes.Count} managed instances with everything they have");
        var full = new DeleteOptions { ShouldDeleteVolumes = true, ShouldDeleteNetworkInterfaces = true, ShouldDeleteSnapshots = true, ShouldDeleteImages = true };
        foreach (var id in modes.Keys)
        {
            await client.DeleteAsync(id, full, ct).ConfigureAwait(false);
        }

        var (deleted, allDeleted) = await Fleet.WaitAsync(client, [.. modes.Keys], v => v.Status is ManagedInstanceStatus.Deleted or ManagedInstanceStatus.Error,
            TimeSpan.FromMinutes(10), options.Concurrency, "deletes", ct).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
        using var afterDocument = await emulator.WorldAsync(ct).ConfigureAwait(false);
        var leaked = ChaosWorld.Read(afterDocument).LeftOf(modes.Keys.ToHashSet());
        var deleteErrors = deleted.Values.Where(v => v.Status == ManagedInstanceStatus.Error).ToList();

        var converged = settled.Values.Count(v => v.Status == ManagedInstanceStatus.Active && v.CurrentStep is null);
        Violated = converged != modes.Count || errors.Count > 0 || volumesLost.Count > 0 || ipsChanged.Count > 0 || doubles.Count > 0
            || leaked.Count > 0 || unrecorded.Count > 0 || deleteErrors.Count > 0 || !allDeleted;
        var report = new Report($"chaos: {modes.Count} managed instances, {options.FaultSeconds} s of faults, seed {options.Seed}");
        report.Add("mode", $"{options.Topology.ToString().ToLowerInvariant()}, {deployment.Silos.Count} silos, time scale {options.TimeScale.ToString(Invariant)}")
            .Add("managed instances", string.Join(", ", modes.Values.GroupBy(m => m).Select(g => $"{g.Key} {g.Count()}")))
            .Add("injected", string.Join(", ", events.OrderBy(e => e.Key).Select(e => $"{e.Key} {e.Value}")))
            .Add("converged (Active, no operation)", $"{converged} of {modes.Count} (all settled: {allSettled})")
            .Add("error", Listed(errors.Select(e => $"{e.Id}: {e.LastError}")))
            .Add("volumes lost", Listed(volumesLost))
            .Add("private IPs changed", Listed(ipsChanged))
            .Add("double attached", Listed(doubles))
            .Add("instances of ours no state records", Listed(unrecorded))
            .Add("deletes", $"{deleted.Values.Count(v => v.Status == ManagedInstanceStatus.Deleted)} Deleted; errors: {Listed(deleteErrors.Select(e => $"{e.Id}: {e.LastError}"))}")
            .Add("left after the deletes (tagged as ours)", Listed(leaked));
        var summary = string.Create(Invariant,
            $"chaos mis={modes.Count} converged={converged} error={errors.Count} volumes_lost={volumesLost.Count} ips_changed={ipsChanged.Count} double_attached={doubles.Count} leaked={leaked.Count + unrecorded.Count}");
        report.Print(summary);
        return summary;
    }

    private static string Listed(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "0" : $"{list.Count}: {string.Join("; ", list.Take(10))}{(list.Count > 10 ? "; …" : "")}";
    }

    private static ManagedInstanceSpec Spec(int index, Mode mode) => new()
    {
        Name = $"chaos-{index:D4}-{mode}",
        SubnetIds = [Subnet],
        LaunchSpecification = new LaunchSpecification
        {
            ImageId = ImageId,
            InstanceTypes = new InstanceTypesSpec { Preferred = ["m5.large"], Others = ["m5.xlarge"] },
            BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 20 }],
        },
        Persistence = mode switch
        {
            Mode.ReattachWithEni => new PersistenceSpec { PersistPrivateIp = true },
            Mode.ReattachPrestaged => new PersistenceSpec(),
            Mode.RootAndEni => new PersistenceSpec { PersistPrivateIp = true, PersistRootDevice = true },
            _ => new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch },
        },
        Strategy = new StrategySpec { FallbackToOnDemand = true },
    };

    /// <summary>The fault schedule: standing faults for the whole window, and one random event every 0.3-1.2 s; a silo killed half-way.</summary>
    private static async Task<Dictionary<string, int>> InjectAsync(Deployment deployment, BenchOptions options, Random random,
        Dictionary<string, ManagedInstanceView> fleet, CancellationToken ct)
    {
        var emulator = deployment.Emulator;
        var counts = new Dictionary<string, int>();
        void Count(string what) => counts[what] = counts.GetValueOrDefault(what) + 1;
        object[] standing =
        [
            new { action = "*", errorRate = 0.03, errorCode = "InternalError", latencyMs = 1500, latencyRate = 0.03 },
            new { action = "RunInstances", errorRate = 0.15, errorCode = "InternalError", afterExecution = true },
            new { action = "AttachVolume", errorRate = 0.1, errorCode = "RequestLimitExceeded", statusCode = 503 },
            new { action = "CreateSnapshot", errorRate = 0.1, errorCode = "InternalError", afterExecution = true },
            new { action = "RegisterImage", errorRate = 0.2, errorCode = "InternalError", afterExecution = true },
        ];
        foreach (var fault in standing)
        {
            await emulator.SendAsync(HttpMethod.Post, "_emulator/faults/actions", fault, ct).ConfigureAwait(false);
        }

        await emulator.SendAsync(HttpMethod.Put, "_emulator/faults/eventual-consistency", new { windowMs = 1000 }, ct).ConfigureAwait(false);
        using var sqs = new AmazonSQSClient(new BasicAWSCredentials("bench", "bench"),
            new AmazonSQSConfig { ServiceURL = emulator.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1" });
        var ids = fleet.Keys.Order(StringComparer.Ordinal).ToList();
        var clock = Stopwatch.StartNew();
        var killed = deployment.Silos.Count < 2;
        var outage = false;
        while (clock.Elapsed < TimeSpan.FromSeconds(options.FaultSeconds))
        {
            if (!killed && clock.Elapsed > TimeSpan.FromSeconds(options.FaultSeconds / 2.0))
            {
                killed = true;
                var victim = random.Next(deployment.Silos.Count);
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds:0} s: killing silo {victim} (SIGKILL) and starting a new one");
                await deployment.KillAndRestartSiloAsync(victim, ct).ConfigureAwait(false);
                Count("silo killed");
            }

            var id = ids[random.Next(ids.Count)];
            var view = await TryGetAsync(deployment, id, ct).ConfigureAwait(false);
            var instanceId = view is { Status: ManagedInstanceStatus.Active, InstanceId: { } running } ? running : null;
            try
            {
                switch (random.Next(10))
                {
                    case < 4 when instanceId is not null && view!.Market == "spot":
                        await emulator.SendAsync(HttpMethod.Post, $"_emulator/instances/{instanceId}/interrupt", null, ct).ConfigureAwait(false);
                        Count("interruptions");
                        break;
                    case 4 when instanceId is not null:
                        await emulator.SendAsync(HttpMethod.Post, $"_emulator/instances/{instanceId}/rebalance", new { interruptAfterSeconds = 30 }, ct).ConfigureAwait(false);
                        Count("rebalance recommendations");
                        break;
                    case 5 when instanceId is not null:
                        await emulator.SendAsync(HttpMethod.Post, $"_emulator/instances/{instanceId}/health-event", new { startsInSeconds = 60 }, ct).ConfigureAwait(false);
                        Count("health events");
                        break;
                    case 6 when view?.Volumes.FirstOrDefault()?.VolumeId is { } volumeId && instanceId is not null:
                        await emulator.SendAsync(HttpMethod.Post, $"_emulator/volumes/{volumeId}/stuck-detaching", null, ct).ConfigureAwait(false);
                        Count("stuck detaches");
                        break;
                    case 7:
                        outage = !outage;
                        await emulator.SendAsync(HttpMethod.Put, "_emulator/capacity",
                            new { instanceType = "m5.large", availabilityZone = Zone, market = "spot", capacity = outage ? 0 : (int?)null }, ct).ConfigureAwait(false);
                        Count(outage ? "capacity outages" : "capacity restored");
                        break;
                    default:
                        await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = deployment.EventQueueUrl, MessageBody = random.Next(2) == 0 ? "{ truncated" : "[1,2]" }, ct)
                            .ConfigureAwait(false);
                        Count("junk messages");
                        break;
                }
            }
            catch (InvalidOperationException exception)
            {
                // The instance went away between the look and the event (it was being replaced): try another.
                Count("events refused by the emulator");
                _ = exception;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300 + random.Next(900)), ct).ConfigureAwait(false);
        }

        await emulator.SendAsync(HttpMethod.Delete, "_emulator/faults", null, ct).ConfigureAwait(false);
        await emulator.SendAsync(HttpMethod.Put, "_emulator/capacity",
            new { instanceType = "m5.large", availabilityZone = Zone, market = "spot", capacity = (int?)null }, ct).ConfigureAwait(false);
        return counts;
    }

    private static async Task<ManagedInstanceView?> TryGetAsync(Deployment deployment, string id, CancellationToken ct)
    {
        try
        {
            using var call = CancellationTokenSource.CreateLinkedTokenSource(ct);
            call.CancelAfter(TimeSpan.FromSeconds(10));
            return await deployment.Client.GetAsync(id, call.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return null; // the client's gateway may be the silo just killed
        }
    }
}
