using Amazon.EC2;
using Amazon.EC2.Model;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Ec2.Gateway;

namespace StatefulSpot.Unit.Tests.Ec2;

public sealed class Ec2GatewayTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeEc2Api _ec2;
    private Ec2Budget? _budget;

    public Ec2GatewayTests() => _ec2 = new FakeEc2Api(_time);

    public void Dispose() => _budget?.Dispose();

    private static string InstanceId(int n) => $"i-{n:x17}";

    private static string VolumeId(int n) => $"vol-{n:x17}";

    private static List<string> InstanceIds(DescribeInstancesResponse response) =>
        [.. (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).Select(i => i.InstanceId)];

    private static List<string> RequestedIds(FakeEc2Api.RecordedCall call) => call.Request switch
    {
        DescribeInstancesRequest instances => instances.InstanceIds ?? [],
        DescribeVolumesRequest volumes => volumes.VolumeIds ?? [],
        _ => [],
    };

    private Ec2Gateway Gateway(Action<Ec2GatewayOptions>? configure = null)
    {
        var options = new Ec2GatewayOptions { CoalesceWindow = TimeSpan.FromMilliseconds(50) };
        configure?.Invoke(options);
        _budget = new Ec2Budget(Options.Create(options), new OneSilo(), _time);
        return new Ec2Gateway(_ec2, _budget, Options.Create(options), _time);
    }

    private Task<DescribeInstancesResponse> DescribeInstances(Ec2Gateway gateway, params string[] ids) =>
        gateway.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [.. ids] }, CancellationToken.None);

    private static AttachVolumeRequest Attach() =>
        new() { VolumeId = VolumeId(1), InstanceId = InstanceId(1), Device = "/dev/sdf" };

    [Fact]
    public async Task DescribeInstances_FiftyCallersByIdWithinTheWindow_ShareOneCallAndEachGetsItsOwnInstances()
    {
        var ids = Enumerable.Range(1, 50).Select(InstanceId).ToList();
        _ec2.AddReservation("r-1", [.. ids.Take(25)]);
        _ec2.AddReservation("r-2", [.. ids.Skip(25)]);
        var gateway = Gateway();
        var asks = ids.Select((id, k) => k == 0 ? new[] { id, ids[49] } : [id]).ToList();

        var responses = await _time.AdvanceUntilDoneAsync(Task.WhenAll(asks.Select(ask => DescribeInstances(gateway, ask))), Step);

        var call = Assert.Single(_ec2.CallsOf("DescribeInstances"));
        Assert.Equal(ids.Order(), RequestedIds(call).Order());
        for (var k = 0; k < asks.Count; k++)
        {
            Assert.Equal(asks[k], InstanceIds(responses[k]));
        }

        Assert.Equal(["r-1", "r-2"], responses[0].Reservations.Select(r => r.ReservationId));
        Assert.Equal("r-1", Assert.Single(responses[1].Reservations).ReservationId);
        Assert.Equal("r-2", Assert.Single(responses[30].Reservations).ReservationId);
    }

    [Fact]
    public async Task DescribeInstances_MoreIdsThanOneCallTakes_SplitsIntoCallsOfAtMostMaxIds()
    {
        var ids = Enumerable.Range(1, 50).Select(InstanceId).ToList();
        _ec2.AddReservation("r-1", [.. ids]);
        var gateway = Gateway(options => options.MaxIdsPerCall = 10);

        var responses = await _time.AdvanceUntilDoneAsync(Task.WhenAll(ids.Select(id => DescribeInstances(gateway, id))), Step);

        var calls = _ec2.CallsOf("DescribeInstances");
        Assert.Equal(5, calls.Count);
        Assert.All(calls, call => Assert.InRange(RequestedIds(call).Count, 1, 10));
        Assert.Equal(ids.Order(), calls.SelectMany(RequestedIds).Order());
        Assert.Equal(ids.Select(id => new List<string> { id }), responses.Select(InstanceIds));
    }

    [Fact]
    public async Task DescribeVolumes_ManyCallersByIdWithinTheWindow_ShareOneCallAndEachGetsItsOwnVolume()
    {
        var ids = Enumerable.Range(1, 30).Select(VolumeId).ToList();
        ids.ForEach(_ec2.AddVolume);
        var gateway = Gateway();

        var responses = await _time.AdvanceUntilDoneAsync(
            Task.WhenAll(ids.Select(id => gateway.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [id] }, CancellationToken.None))), Step);

        var call = Assert.Single(_ec2.CallsOf("DescribeVolumes"));
        Assert.Equal(ids.Order(), RequestedIds(call).Order());
        Assert.Equal(ids, responses.Select(response => Assert.Single(response.Volumes).VolumeId));
    }

    [Fact]
    public async Task DescribeInstances_WithFilters_GoesToEc2AsAskedWithoutWaitingForTheWindow()
    {
        _ec2.AddReservation("r-1", InstanceId(1), InstanceId(2));
        var gateway = Gateway();
        var requests = Enumerable.Range(0, 3)
            .Select(k => new DescribeInstancesRequest { Filters = [new Filter { Name = "tag:statefulspot/managed-instance", Values = [$"mi-{k}"] }] })
            .Append(new DescribeInstancesRequest { InstanceIds = [InstanceId(1)], Filters = [new Filter { Name = "instance-state-name", Values = ["running"] }] })
            .ToList();
        var started = _time.GetUtcNow();

        var tasks = requests.Select(request => gateway.DescribeInstancesAsync(request, CancellationToken.None)).ToList();
        await FakeClock.EventuallyAsync(() => tasks.All(task => task.IsCompleted));
        var responses = await Task.WhenAll(tasks);

        var calls = _ec2.CallsOf("DescribeInstances");
        Assert.Equal(4, calls.Count);
        Assert.Equal(requests, calls.Select(call => call.Request).Cast<DescribeInstancesRequest>().OrderBy(requests.IndexOf));
        Assert.All(calls, call => Assert.Equal(started, call.At));
        Assert.Equal([InstanceId(1), InstanceId(2)], InstanceIds(responses[0]));
    }

    [Fact]
    public async Task DescribeInstances_Bare_DrawsOnTheSmallerUnfilteredBucket()
    {
        _ec2.AddReservation("r-1", InstanceId(1));
        var gateway = Gateway();
        var (unfilteredCapacity, _) = _budget!.Size("DescribeInstances", unfiltered: true);

        var tasks = Enumerable.Range(0, (int)unfilteredCapacity + 1)
            .Select(_ => gateway.DescribeInstancesAsync(new DescribeInstancesRequest(), CancellationToken.None)).ToList();
        await FakeClock.EventuallyAsync(() => tasks.Count(task => task.IsCompleted) == (int)unfilteredCapacity);
        await FakeClock.SettleAsync();

        Assert.False(tasks[^1].IsCompleted);
        Assert.Equal((int)unfilteredCapacity, _ec2.CallsOf("DescribeInstances").Count);
        Assert.Equal([InstanceId(1)], InstanceIds(await _time.AdvanceUntilDoneAsync(tasks[^1], Step)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DescribeInstances_UnknownId_FailsOnlyTheCallersWhoAskedForIt(bool ec2NamesTheIds)
    {
        string known1 = InstanceId(1), known2 = InstanceId(2), unknown1 = InstanceId(0xdead1), unknown2 = InstanceId(0xdead2);
        _ec2.AddReservation("r-1", known1, known2);
        _ec2.NamesUnknownIds = ec2NamesTheIds;
        var gateway = Gateway();

        var tasks = new[]
        {
            DescribeInstances(gateway, known1),
            DescribeInstances(gateway, unknown1),
            DescribeInstances(gateway, known2, known1),
            DescribeInstances(gateway, known2, unknown2),
        };
        await _time.AdvanceUntilAsync(() => tasks.All(task => task.IsCompleted), Step);

        Assert.Equal([known1], InstanceIds(await tasks[0]));
        Assert.Equal([known2, known1], InstanceIds(await tasks[2]));
        var first = await Assert.ThrowsAsync<AmazonEC2Exception>(() => tasks[1]);
        var second = await Assert.ThrowsAsync<AmazonEC2Exception>(() => tasks[3]);
        Assert.Equal(Ec2ErrorKind.NotFound, Ec2Errors.Classify(first));
        Assert.Equal(Ec2ErrorKind.NotFound, Ec2Errors.Classify(second));
        if (ec2NamesTheIds)
        {
            Assert.Contains(unknown1, first.Message);
            Assert.Contains(unknown2, second.Message);
        }
    }

    [Fact]
    public async Task DescribeInstances_OneCallersMalformedId_FailsOnlyThatCaller_NotTheOthersOperations()
    {
        string known1 = InstanceId(1), known2 = InstanceId(2);
        _ec2.AddReservation("r-1", known1, known2);
        var gateway = Gateway();

        var good = DescribeInstances(gateway, known1);
        var mistyped = DescribeInstances(gateway, "i-123");
        var other = DescribeInstances(gateway, known2);
        await _time.AdvanceUntilAsync(() => good.IsCompleted && mistyped.IsCompleted && other.IsCompleted, Step);

        Assert.Equal([known1], InstanceIds(await good));
        Assert.Equal([known2], InstanceIds(await other));
        var malformed = await Assert.ThrowsAsync<AmazonEC2Exception>(() => mistyped);
        Assert.Equal("InvalidInstanceID.Malformed", malformed.ErrorCode);
    }

    [Fact]
    public async Task DescribeVolumes_UnknownId_FailsOnlyItsCaller()
    {
        _ec2.AddVolume(VolumeId(1));
        var gateway = Gateway();

        var known = gateway.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [VolumeId(1)] }, CancellationToken.None);
        var unknown = gateway.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [VolumeId(404)] }, CancellationToken.None);
        await _time.AdvanceUntilAsync(() => known.IsCompleted && unknown.IsCompleted, Step);

        Assert.Equal(VolumeId(1), Assert.Single((await known).Volumes).VolumeId);
        var notFound = await Assert.ThrowsAsync<AmazonEC2Exception>(() => unknown);
        Assert.Equal("InvalidVolume.NotFound", notFound.ErrorCode);
    }

    [Fact]
    public async Task DescribeInstances_ThrottledByEc2_EveryCallerOfTheBatchHearsAThrottle()
    {
        _ec2.AddReservation("r-1", InstanceId(1), InstanceId(2));
        _ec2.ThrottleDescribes = true;
        var gateway = Gateway();

        var tasks = new[] { DescribeInstances(gateway, InstanceId(1)), DescribeInstances(gateway, InstanceId(2)) };
        await _time.AdvanceUntilAsync(() => tasks.All(task => task.IsCompleted), Step);

        foreach (var task in tasks)
        {
            Assert.Equal(Ec2ErrorKind.Throttled, Ec2Errors.Classify(await Assert.ThrowsAnyAsync<Exception>(() => task)));
        }
    }

    [Fact]
    public async Task DescribeInstances_BudgetShortLongerThanMaxQueueWait_SurfacesAsAThrottle()
    {
        _ec2.AddReservation("r-1", InstanceId(1));
        var gateway = Gateway(options =>
        {
            options.MaxQueueWait = TimeSpan.FromSeconds(2);
            options.Limits["DescribeInstances"] = new Ec2BucketLimit { Capacity = 1, RefillPerSecond = 0.01 };
        });
        await _time.AdvanceUntilDoneAsync(DescribeInstances(gateway, InstanceId(1)), Step);

        var starved = DescribeInstances(gateway, InstanceId(1));
        await _time.AdvanceUntilAsync(() => starved.IsCompleted, TimeSpan.FromMilliseconds(100));

        var exception = await Assert.ThrowsAsync<Ec2BudgetExhaustedException>(() => starved);
        Assert.Equal(Ec2ErrorKind.Throttled, Ec2Errors.Classify(exception));
        Assert.Single(_ec2.CallsOf("DescribeInstances"));
    }

    [Fact]
    public async Task AttachVolume_ThrottledOnce_IsRetriedAfterTheBucketRefillsAndSucceeds()
    {
        var gateway = Gateway();
        _ec2.ThrottleNext(1);

        var response = await _time.AdvanceUntilDoneAsync(gateway.AttachVolumeAsync(Attach(), CancellationToken.None), Step);

        Assert.Equal(VolumeAttachmentState.Attaching, response.Attachment.State);
        Assert.Equal(VolumeId(1), response.Attachment.VolumeId);
        var calls = _ec2.CallsOf("AttachVolume");
        Assert.Equal(2, calls.Count);
        var oneToken = TimeSpan.FromSeconds(1 / _budget!.Size("AttachVolume").RefillPerSecond);
        Assert.True(calls[1].At - calls[0].At >= oneToken, $"retried {calls[1].At - calls[0].At} after the throttle, before the bucket refilled ({oneToken})");
    }

    [Fact]
    public async Task AttachVolume_ThrottleOutlastingMaxQueueWait_SurfacesAsAThrottle()
    {
        var maxQueueWait = TimeSpan.FromSeconds(2);
        var gateway = Gateway(options => options.MaxQueueWait = maxQueueWait);
        _ec2.ThrottleAlways = true;

        var attach = gateway.AttachVolumeAsync(Attach(), CancellationToken.None);
        await _time.AdvanceUntilAsync(() => attach.IsCompleted, TimeSpan.FromMilliseconds(50));

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => attach);
        Assert.Equal(Ec2ErrorKind.Throttled, Ec2Errors.Classify(exception));
        var calls = _ec2.CallsOf("AttachVolume");
        var retriesTheBucketAllows = (int)(maxQueueWait.TotalSeconds * _budget!.Size("AttachVolume").RefillPerSecond);
        Assert.InRange(calls.Count, 2, retriesTheBucketAllows + 2);
        Assert.True(calls[^1].At - calls[0].At <= maxQueueWait, "the gateway kept calling EC2 past the longest queue wait");
    }

    [Fact]
    public async Task AttachVolume_BudgetShort_ARecoveryInTheCallContextGoesBeforeQueuedCreates()
    {
        var gateway = Gateway(options =>
        {
            options.BudgetShare = 1;
            options.Limits["AttachVolume"] = new Ec2BucketLimit { Capacity = 1, RefillPerSecond = 1 };
        });
        Task<AttachVolumeResponse> AttachAsync(int volume) =>
            gateway.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = VolumeId(volume), InstanceId = InstanceId(1), Device = "/dev/sdf" },
                CancellationToken.None);

        var first = AttachAsync(1);
        var creates = new[] { AttachAsync(2), AttachAsync(3) };
        Task<AttachVolumeResponse> recovery;
        using (Ec2CallContext.Use(Ec2CallPriority.Recovery, _time.GetUtcNow().AddMinutes(2)))
        {
            recovery = AttachAsync(4);
        }

        await _time.AdvanceUntilDoneAsync(Task.WhenAll([first, recovery, .. creates]), TimeSpan.FromMilliseconds(100));

        Assert.Equal([VolumeId(1), VolumeId(4), VolumeId(2), VolumeId(3)],
            _ec2.CallsOf("AttachVolume").Select(call => ((AttachVolumeRequest)call.Request).VolumeId));
    }

    [Fact]
    public async Task TerminateInstances_UnderBudget_GoesStraightThrough()
    {
        var gateway = Gateway();

        var terminate = gateway.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [InstanceId(1)] }, CancellationToken.None);
        await FakeClock.EventuallyAsync(() => terminate.IsCompleted);

        Assert.Equal(InstanceId(1), Assert.Single((await terminate).TerminatingInstances).InstanceId);
    }

    private sealed class OneSilo : ILiveSiloCount
    {
        public int Count => 1;
    }
}
