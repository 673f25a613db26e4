using System.Diagnostics;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Controller.Bench.Chaos;

/// <summary>The chaos run's fault schedule; a seed makes it repeatable (the cluster's own timing is not).</summary>
internal static class ChaosSchedule
{
    /// <summary>
    /// Standing faults for the whole window, and one random event every 0.3-1.2 s: Spot signals, stuck detaches, capacity
    /// outages, an operator stopping or terminating an instance by hand, junk on the queue; a silo killed half-way.
    /// </summary>
    public static async Task<Dictionary<string, int>> InjectAsync(Deployment deployment, ChaosFleet chaos, BenchOptions options, Random random,
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
                switch (random.Next(12))
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
                            new { instanceType = "m5.large", availabilityZone = ChaosFleet.Zone, market = "spot", capacity = outage ? 0 : (int?)null }, ct).ConfigureAwait(false);
                        Count(outage ? "capacity outages" : "capacity restored");
                        break;
                    case 8 when instanceId is not null:
                        await chaos.Ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [instanceId] }, ct).ConfigureAwait(false);
                        Count("stopped by hand");
                        break;
                    case 9 when instanceId is not null && random.Next(3) == 0:
                        await chaos.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instanceId] }, ct).ConfigureAwait(false);
                        Count("terminated by hand");
                        break;
                    default:
                        await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = deployment.EventQueueUrl, MessageBody = random.Next(2) == 0 ? "{ truncated" : "[1,2]" }, ct)
                            .ConfigureAwait(false);
                        Count("junk messages");
                        break;
                }
            }
            catch (Exception exception) when (exception is InvalidOperationException or AmazonEC2Exception)
            {
                // The instance went away between the look and the event (it was being replaced), or EC2 refuses the
                // call (a Spot instance cannot be stopped): try another.
                Count("events refused by EC2 or the emulator");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300 + random.Next(900)), ct).ConfigureAwait(false);
        }

        await emulator.SendAsync(HttpMethod.Delete, "_emulator/faults", null, ct).ConfigureAwait(false);
        await emulator.SendAsync(HttpMethod.Put, "_emulator/capacity",
            new { instanceType = "m5.large", availabilityZone = ChaosFleet.Zone, market = "spot", capacity = (int?)null }, ct).ConfigureAwait(false);
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
