using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Controller.Bench;

/// <summary>
/// <c>junk</c>: J messages that are not EC2 events (truncated JSON, arrays, unknown detail-types) are queued ahead of N
/// interruption warnings; measures how long each warning takes to reach its managed instance (its status turns
/// Recycling) and how long the queue takes to drain. Warnings must not wait behind noise.
/// </summary>
internal static class JunkScenario
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly string[] Shapes =
    [
        "{ not json",
        "[1,2,3]",
        """{"version":"0","id":"junk-{0}","detail-type":"EC2 AMI State Change","source":"aws.ec2","time":"2026-01-01T00:00:00Z","detail":{}}""",
        """{"version":"0","id":"junk-{0}","detail-type":"EC2 Spot Instance Interruption Warning","time":"2026-01-01T00:00:00Z"}""",
        "plain text {0}",
    ];

    public static async Task<string> RunAsync(Deployment deployment, BenchOptions options, HttpClient http, CancellationToken ct)
    {
        var active = await Scenarios.CreateFleetAsync(deployment, options, ct).ConfigureAwait(false);
        await deployment.Emulator.SetTimeScaleAsync(options.TimeScale, ct).ConfigureAwait(false);
        using var sqs = new AmazonSQSClient(new BasicAWSCredentials("bench", "bench"),
            new AmazonSQSConfig { ServiceURL = deployment.Emulator.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1" });
        var queueUrl = deployment.EventQueueUrl;
        var before = await SiloMetrics.ScrapeAsync(http, deployment.WebUrls, ct).ConfigureAwait(false);

        Console.WriteLine($"Queueing {options.Junk} junk messages on {queueUrl}");
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, (options.Junk + 9) / 10), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (batch, token) => await sqs.SendMessageBatchAsync(new SendMessageBatchRequest
            {
                QueueUrl = queueUrl,
                Entries = [.. Enumerable.Range(batch * 10, Math.Min(10, options.Junk - batch * 10)).Select(i => new SendMessageBatchRequestEntry
                {
                    Id = i.ToString(Invariant),
                    MessageBody = Shapes[i % Shapes.Length].Replace("{0}", i.ToString(Invariant), StringComparison.Ordinal),
                })],
            }, token).ConfigureAwait(false)).ConfigureAwait(false);
        var queued = clock.Elapsed;
        Console.WriteLine($"  queued in {queued.TotalSeconds:0.0} s; interrupting {active.Count} instance(s)");

        var interruptedAt = new Dictionary<string, TimeSpan>();
        foreach (var view in active)
        {
            await deployment.Emulator.InterruptAsync(view.InstanceId!, ct).ConfigureAwait(false);
            interruptedAt[view.Id] = clock.Elapsed;
        }

        // Each warning has reached its grain when the managed instance is Recycling; polled every 50 ms, bounded.
        var reached = new Dictionary<string, TimeSpan>();
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(120);
        while (reached.Count < active.Count && clock.Elapsed < deadline)
        {
            foreach (var view in active.Where(v => !reached.ContainsKey(v.Id)))
            {
                if (await RecyclingSinceAsync(deployment, view, ct).ConfigureAwait(false))
                {
                    reached[view.Id] = clock.Elapsed - interruptedAt[view.Id];
                }
            }

            await Task.Delay(50, ct).ConfigureAwait(false);
        }

        var drained = await WaitDrainedAsync(sqs, queueUrl, clock, TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
        var after = await SiloMetrics.ScrapeAsync(http, deployment.WebUrls, ct).ConfigureAwait(false);
        var lag = after.WarningLagSince(before);
        var waits = reached.Values.Select(w => w.TotalSeconds).Order().ToList();
        var report = new Report($"junk: {options.Junk} junk messages ahead of {active.Count} warning(s)");
        report.Add("mode", options.Topology.ToString().ToLowerInvariant())
            .Add("silos", deployment.Silos.Count.ToString(Invariant))
            .Add("junk queued", $"{options.Junk} in {queued.TotalSeconds:0.0} s (SendMessageBatch, 8 at a time)")
            .Add("warnings that reached their grain", $"{reached.Count} of {active.Count} within 120 s")
            .Add("interrupt -> managed instance Recycling", waits.Count == 0 ? "none" : $"max {waits[^1]:0.00} s, mean {waits.Average():0.00} s (polled every 50 ms)")
            .Add("warning -> grain lag", $"{lag.Count:0} warning(s), mean {lag.MeanSeconds:0.00} s (statefulspot_events_lag_seconds)")
            .Add("queue drained", drained is { } d ? $"{d.TotalSeconds:0.0} s after the first junk message was queued" : "not within 120 s");
        var summary = string.Create(Invariant, $"junk n={active.Count} junk={options.Junk} reached={reached.Count} max_wait_s={(waits.Count == 0 ? double.NaN : waits[^1]):0.00}");
        report.Print(summary);
        return summary;
    }

    private static async Task<bool> RecyclingSinceAsync(Deployment deployment, ManagedInstanceView before, CancellationToken ct)
    {
        var now = await deployment.Client.GetAsync(before.Id, ct).ConfigureAwait(false);
        return now is not null && (now.Status == ManagedInstanceStatus.Recycling || now.Generation > before.Generation);
    }

    private static async Task<TimeSpan?> WaitDrainedAsync(AmazonSQSClient sqs, string queueUrl, Stopwatch clock, TimeSpan limit, CancellationToken ct)
    {
        var deadline = clock.Elapsed + limit;
        while (clock.Elapsed < deadline)
        {
            var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
            {
                QueueUrl = queueUrl,
                AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            }, ct).ConfigureAwait(false);
            if (attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible == 0)
            {
                return clock.Elapsed;
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }

        return null;
    }
}
