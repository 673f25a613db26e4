using System.Diagnostics;
using System.Globalization;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace StatefulSpot.Emulator.Bench;

/// <summary>What the measurement draws its requests from.</summary>
internal sealed record SeededWorld(
    IReadOnlyList<string> InstanceIds, int InstanceGroups, IReadOnlyList<string> VolumeIds, int VolumeGroups, int ChurnedInstances);

/// <summary>
/// Seeds the world through the EC2 API: instances with RunInstances (MinCount = MaxCount = batch, every batch one tag
/// group, alternately Spot and on-demand, spread over the subnets), stand-alone volumes with CreateVolume (concurrently,
/// one tag group per batch-many volumes). When the subnets run out of private addresses, the oldest batch is terminated
/// (and kept, as EC2 keeps terminated instances for a while) to make room: the world then holds that many terminated
/// instances.
/// </summary>
internal sealed class Seeder(IAmazonEC2 ec2, BenchOptions options, TextWriter log)
{
    private static readonly string[] InstanceTypes = ["m5.large", "c5.large", "r5.large", "t3.medium", "m5.xlarge"];
    private static readonly string[] VolumeTypes = ["gp3", "gp3", "gp2", "io1", "gp3"];

    public static string Group(int index) => "g" + index.ToString("D4", CultureInfo.InvariantCulture);

    public async Task<SeededWorld> SeedAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (instances, groups, churned) = await SeedInstancesAsync(ct).ConfigureAwait(false);
        log.WriteLine($"  {instances.Count:N0} instances in {groups:N0} RunInstances calls ({churned:N0} terminated to free addresses) in {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        var (volumes, volumeGroups) = await SeedVolumesAsync(ct).ConfigureAwait(false);
        log.WriteLine($"  {volumes.Count:N0} volumes in {volumes.Count:N0} CreateVolume calls ({options.Workers} at a time) in {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        await WaitUntilEmptyAsync("instances pending", () => CountAsync(new DescribeInstancesRequest
        {
            Filters = [new Filter("instance-state-name", ["pending", "shutting-down"])],
            MaxResults = 1000,
        }, ct), ct).ConfigureAwait(false);
        await WaitUntilEmptyAsync("volumes creating", () => CountAsync(new DescribeVolumesRequest
        {
            Filters = [new Filter("status", ["creating"])],
            MaxResults = 500,
        }, ct), ct).ConfigureAwait(false);
        log.WriteLine($"  settled in {clock.Elapsed.TotalSeconds:F1} s");
        return new SeededWorld(instances, groups, volumes, volumeGroups, churned);
    }

    private async Task<(List<string> Ids, int Groups, int Churned)> SeedInstancesAsync(CancellationToken ct)
    {
        var subnets = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest(), ct).ConfigureAwait(false)).Subnets ?? [];
        var free = subnets.ToDictionary(s => s.SubnetId, s => s.AvailableIpAddressCount ?? 0, StringComparer.Ordinal);
        var live = new Queue<(string SubnetId, List<string> Ids)>();
        var all = new List<string>(options.Instances);
        var churned = 0;
        var batchNumber = 0;
        while (all.Count < options.Instances)
        {
            var count = Math.Min(options.Batch, options.Instances - all.Count);
            var (subnetId, available) = free.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).First();
            if (available < count)
            {
                if (live.Count == 0)
                {
                    throw new InvalidOperationException($"No subnet has {count} free addresses; use a smaller --batch.");
                }

                var oldest = live.Dequeue();
                await TerminateAsync(oldest.Ids, ct).ConfigureAwait(false);
                free[oldest.SubnetId] += oldest.Ids.Count;
                churned += oldest.Ids.Count;
                continue;
            }

            var group = Group(batchNumber);
            var spot = batchNumber % 2 == 0;
            var response = await ec2.RunInstancesAsync(new RunInstancesRequest
            {
                ImageId = DefaultWorld.ImageId,
                InstanceType = InstanceTypes[batchNumber % InstanceTypes.Length],
                MinCount = count,
                MaxCount = count,
                SubnetId = subnetId,
                InstanceMarketOptions = spot
                    ? new InstanceMarketOptionsRequest { MarketType = MarketType.Spot, SpotOptions = new SpotMarketOptions { SpotInstanceType = SpotInstanceType.OneTime } }
                    : null,
                TagSpecifications =
                [
                    new TagSpecification
                    {
                        ResourceType = ResourceType.Instance,
                        Tags = [new Tag("group", group), new Tag("env", "bench"), new Tag("Name", "bench-" + group)],
                    },
                ],
            }, ct).ConfigureAwait(false);
            var ids = response.Reservation.Instances.Select(i => i.InstanceId).ToList();
            free[subnetId] -= ids.Count;
            live.Enqueue((subnetId, ids));
            all.AddRange(ids);
            batchNumber++;
        }

        return (all, batchNumber, churned);
    }

    private async Task TerminateAsync(List<string> ids, CancellationToken ct)
    {
        await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = ids }, ct).ConfigureAwait(false);
        await WaitUntilEmptyAsync("instances shutting down", async () =>
        {
            var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = ids }, ct).ConfigureAwait(false);
            return (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).Count(i => i.State.Name != InstanceStateName.Terminated);
        }, ct).ConfigureAwait(false);
    }

    private async Task<(List<string> Ids, int Groups)> SeedVolumesAsync(CancellationToken ct)
    {
        var zones = ((await ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest(), ct).ConfigureAwait(false)).AvailabilityZones ?? [])
            .Select(z => z.ZoneName).ToList();
        var groups = Math.Max(1, (options.Volumes + options.Batch - 1) / options.Batch);
        var ids = new string[options.Volumes];
        var next = -1;
        var workers = Enumerable.Range(0, options.Workers).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < options.Volumes)
            {
                var group = Group(index % groups);
                var response = await ec2.CreateVolumeAsync(new CreateVolumeRequest
                {
                    AvailabilityZone = zones[index % zones.Count],
                    Size = 8 + (index % 8 * 16),
                    VolumeType = VolumeTypes[index % VolumeTypes.Length],
                    Iops = VolumeTypes[index % VolumeTypes.Length] == "io1" ? 100 : null,
                    TagSpecifications =
                    [
                        new TagSpecification
                        {
                            ResourceType = ResourceType.Volume,
                            Tags = [new Tag("group", group), new Tag("env", "bench"), new Tag("Name", "bench-vol-" + index.ToString(CultureInfo.InvariantCulture))],
                        },
                    ],
                }, ct).ConfigureAwait(false);
                ids[index] = response.Volume.VolumeId;
            }
        }).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return (ids.ToList(), groups);
    }

    private async Task<int> CountAsync(DescribeInstancesRequest request, CancellationToken ct)
    {
        var count = 0;
        do
        {
            var page = await ec2.DescribeInstancesAsync(request, ct).ConfigureAwait(false);
            count += (page.Reservations ?? []).Sum(r => r.Instances?.Count ?? 0);
            request.NextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(request.NextToken));
        return count;
    }

    private async Task<int> CountAsync(DescribeVolumesRequest request, CancellationToken ct)
    {
        var count = 0;
        do
        {
            var page = await ec2.DescribeVolumesAsync(request, ct).ConfigureAwait(false);
            count += page.Volumes?.Count ?? 0;
            request.NextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(request.NextToken));
        return count;
    }

    private static async Task WaitUntilEmptyAsync(string what, Func<Task<int>> count, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        int remaining;
        while ((remaining = await count().ConfigureAwait(false)) > 0)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"Still {remaining} {what} after 2 minutes; is TimeScale too large?");
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }
}
