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
    /// <summary>Whether the last run found a violation (the bench then exits 3).</summary>
    public static bool Violated { get; private set; }

    public static async Task<string> RunAsync(Deployment deployment, BenchOptions options, CancellationToken ct)
    {
        var random = new Random(options.Seed);
        var client = deployment.Client;
        var emulator = deployment.Emulator;
        await emulator.SetTimeScaleAsync(options.TimeScale, ct).ConfigureAwait(false);

        Console.WriteLine($"Creating {options.N} managed instances of {ChaosFleet.ModeCount} persistence modes (seed {options.Seed})");
        using var chaos = await ChaosFleet.PrepareAsync(deployment, options.N, ct).ConfigureAwait(false);
        var modes = new Dictionary<string, ChaosMode>();
        var specs = new Dictionary<string, ManagedInstanceSpec>();
        foreach (var i in Enumerable.Range(0, options.N))
        {
            var spec = chaos.Spec(i);
            var id = (await client.CreateAsync(spec, ct).ConfigureAwait(false)).Id;
            modes[id] = ChaosFleet.ModeOf(i);
            specs[id] = spec;
        }

        var (created, allCreated) = await Fleet.WaitAsync(client, [.. modes.Keys], v => v.Status != ManagedInstanceStatus.Creating,
            TimeSpan.FromMinutes(10), options.Concurrency, "creates", ct).ConfigureAwait(false);
        var initial = created.Values.Where(v => v.Status == ManagedInstanceStatus.Active).ToDictionary(v => v.Id);
        Console.WriteLine($"  {initial.Count} of {modes.Count} Active (all settled: {allCreated})");

        var events = await ChaosSchedule.InjectAsync(deployment, chaos, options, random, initial, ct).ConfigureAwait(false);
        Console.WriteLine($"Faults stopped after {options.FaultSeconds} s: {string.Join(", ", events.OrderBy(e => e.Key).Select(e => $"{e.Key} {e.Value}"))}");

        var (settled, allSettled, world) = await SettledWorldAsync(deployment, [.. modes.Keys], options, ct).ConfigureAwait(false);

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
            unrecorded.AddRange(live.Select(l => $"{id} ({modes[id]}): {l}"));
            var current = world.Instances.FirstOrDefault(i => i.Id == now.InstanceId);
            if (modes[id] == ChaosMode.OnLaunch)
            {
                if (current is null || current.VolumeIds.Count < 2)
                {
                    volumesLost.Add($"{id} ({modes[id]}): its instance has {current?.VolumeIds.Count ?? 0} volume(s), the root and /dev/sdf expected");
                }
            }
            else if (before.Volumes.Select(v => v.VolumeId).Order().SequenceEqual(now.Volumes.Select(v => v.VolumeId).Order()) is false
                || now.Volumes.Any(v => current?.VolumeIds.Contains(v.VolumeId!) != true))
            {
                volumesLost.Add($"{id} ({modes[id]}): volumes {string.Join(",", before.Volumes.Select(v => v.VolumeId))} -> {string.Join(",", now.Volumes.Select(v => v.VolumeId))} on {now.InstanceId}");
            }

            if (ChaosFleet.KeepsPrivateIp(modes[id]) && now.PrivateIp != before.PrivateIp)
            {
                ipsChanged.Add($"{id} ({modes[id]}): {before.PrivateIp} -> {now.PrivateIp}");
            }

            if (modes[id] == ChaosMode.IpPool && !chaos.PoolAddresses.Contains(now.PrivateIp))
            {
                ipsChanged.Add($"{id}: {now.PrivateIp} is not in pool {ChaosFleet.PoolName}");
            }

            if (specs[id].Network.ElasticIpAllocationId is { } allocation
                && world.Addresses.FirstOrDefault(x => x.AllocationId == allocation) is var address && address?.InstanceId != now.InstanceId)
            {
                ipsChanged.Add($"{id}: Elastic IP {allocation} is on {address?.InstanceId ?? "nothing"}, not on {now.InstanceId}");
            }
        }

        var doubles = world.DoubleAttachments(modes.Keys);
        doubles.AddRange(settled.Values.Where(v => v.Status == ManagedInstanceStatus.Active && v.PrivateIp is not null).GroupBy(v => v.PrivateIp)
            .Where(g => g.Count() > 1).Select(g => $"{g.Key} held by {string.Join(", ", g.Select(v => v.Id))}"));
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
        if (chaos.PoolAddresses.Count > 0 && await client.GetIpPoolAsync(ChaosFleet.PoolName, ct).ConfigureAwait(false) is { Leases.Count: > 0 } pool)
        {
            leaked.AddRange(pool.Leases.Select(l => $"pool lease {l.Key} ({l.Value})"));
        }

        leaked.AddRange(await chaos.ReleaseAsync(ct).ConfigureAwait(false));
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
        if (Violated)
        {
            Console.WriteLine($"The silos' and the emulator's logs are kept in {deployment.Directory}.");
            var suspects = volumesLost.Concat(ipsChanged).Concat(unrecorded).Concat(errors.Select(e => e.Id)).Select(line => line.Split(' ', ':')[0]).ToHashSet();
            foreach (var suspect in suspects.Where(settled.ContainsKey))
            {
                Console.WriteLine($"  {suspect} ({modes[suspect]}), on {settled[suspect].InstanceId}: "
                    + string.Join("; ", settled[suspect].History.Select(h => $"{h.Kind}/{h.Trigger} {h.OldInstanceId}->{h.NewInstanceId}{(h.Error is null ? "" : " error " + h.Error)}")));
            }
        }

        return summary;
    }

    /// <summary>
    /// Waits until every managed instance is settled, then reads the world and every view again: a signal the schedule
    /// sent before the faults stopped may start an operation after a managed instance was first seen settled (a
    /// rebalance's interruption, a Health event's start), and the checks must compare the world with views of the same
    /// moment. Up to five rounds, until no view changed around the world's reading.
    /// </summary>
    private static async Task<(Dictionary<string, ManagedInstanceView> Settled, bool AllSettled, ChaosWorld World)> SettledWorldAsync(
        Deployment deployment, IReadOnlyList<string> ids, BenchOptions options, CancellationToken ct)
    {
        static bool Settled(ManagedInstanceView v) => v.CurrentStep is null && v.Status is ManagedInstanceStatus.Active or ManagedInstanceStatus.Error;
        for (var round = 1; ; round++)
        {
            var (settled, allSettled) = await Fleet.WaitAsync(deployment.Client, ids, Settled, TimeSpan.FromMinutes(15), options.Concurrency,
                "settling", ct).ConfigureAwait(false);
            using var document = await deployment.Emulator.WorldAsync(ct).ConfigureAwait(false);
            var world = ChaosWorld.Read(document);
            var (again, _) = await Fleet.WaitAsync(deployment.Client, ids, _ => true, TimeSpan.FromMinutes(5), options.Concurrency, "re-reading", ct)
                .ConfigureAwait(false);
            var moved = ids.Where(id => !settled.TryGetValue(id, out var before) || !again.TryGetValue(id, out var after) || !Settled(after)
                || after.Generation != before.Generation || after.InstanceId != before.InstanceId).ToList();
            if (moved.Count == 0 || round == 5 || !allSettled)
            {
                return (moved.Count == 0 ? settled : again, allSettled && moved.Count == 0, world);
            }

            Console.WriteLine($"  {moved.Count} managed instance(s) began an operation after they settled (round {round}): settling again");
        }
    }

    private static string Listed(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "0" : $"{list.Count}: {string.Join("; ", list.Take(10))}{(list.Count > 10 ? "; …" : "")}";
    }
}
