using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Telemetry;

namespace StatefulSpot.Cluster.Tests.Telemetry;

/// <summary>The EC2 decorator against the emulator through the real SDK: what it counts, times and traces.</summary>
public sealed class Ec2CallTelemetryTests : IAsyncLifetime
{
    private AwsEmulator _emulator = null!;
    private AmazonEC2Client _ec2 = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _emulator = await AwsEmulator.StartAsync(new EmulatorOptions { TimeScale = 0.01 });

        // No SDK retries: each call below is one request, so one fault is one failed call.
        _ec2 = new AmazonEC2Client(new BasicAWSCredentials("test", "test"),
            new AmazonEC2Config { ServiceURL = _emulator.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        _services = new ServiceCollection().AddMetrics().AddSingleton<StatefulSpotMetrics>().BuildServiceProvider();
    }

    [Fact]
    public async Task Ec2Calls_AreCountedAndTimedByActionAndOutcome_AndThrottlesCountedApart()
    {
        var metrics = _services.GetRequiredService<StatefulSpotMetrics>();
        using var recorder = new MetricsRecorder(metrics.Meter);
        IEc2Api api = new InstrumentedEc2Api(new Ec2Api(_ec2), metrics);

        await api.DescribeSubnetsAsync(new DescribeSubnetsRequest(), CancellationToken.None);
        var notFound = await Assert.ThrowsAsync<AmazonEC2Exception>(() =>
            api.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = ["vol-0000000000000dead"] }, CancellationToken.None));
        _emulator.InjectFault(new ActionFault { Action = "DescribeInstances", ErrorRate = 1, ErrorCode = "RequestLimitExceeded", StatusCode = 503, Count = 1 });
        var throttled = await Assert.ThrowsAsync<AmazonEC2Exception>(() => api.DescribeInstancesAsync(new DescribeInstancesRequest(), CancellationToken.None));

        Assert.Equal("InvalidVolume.NotFound", notFound.ErrorCode);
        Assert.Equal("RequestLimitExceeded", throttled.ErrorCode);
        var calls = recorder.Of(StatefulSpotMetrics.Ec2Calls)
            .Select(m => (m.Tag(StatefulSpotMetrics.ActionTag), m.Tag(StatefulSpotMetrics.OutcomeTag), m.Value))
            .OrderBy(c => c.Item1)
            .ToList();
        Assert.Equal(
            [("DescribeInstances", "RequestLimitExceeded", 1d), ("DescribeSubnets", "ok", 1d), ("DescribeVolumes", "InvalidVolume.NotFound", 1d)],
            calls);
        var durations = recorder.Of(StatefulSpotMetrics.Ec2CallDuration);
        Assert.Equal(3, durations.Count);
        Assert.All(durations, d => Assert.InRange(d.Value, 0.0, 30.0));
        Assert.Contains(durations, d => d.Tag(StatefulSpotMetrics.OutcomeTag) == "InvalidVolume.NotFound");
        var throttle = Assert.Single(recorder.Of(StatefulSpotMetrics.Ec2Throttles));
        Assert.Equal("DescribeInstances", throttle.Tag(StatefulSpotMetrics.ActionTag));
        Assert.Equal("RequestLimitExceeded", throttle.Tag(StatefulSpotMetrics.OutcomeTag));
    }

    [Fact]
    public async Task PrivateIpAddressCalls_ReachEc2ThroughTheSdk_AndAreCountedByAction()
    {
        var metrics = _services.GetRequiredService<StatefulSpotMetrics>();
        using var recorder = new MetricsRecorder(metrics.Meter);
        IEc2Api api = new InstrumentedEc2Api(new Ec2Api(_ec2), metrics);
        var eniId = (await api.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest { SubnetId = DefaultWorld.SubnetA }, CancellationToken.None))
            .NetworkInterface.NetworkInterfaceId;
        var unassign = new UnassignPrivateIpAddressesRequest { NetworkInterfaceId = eniId, PrivateIpAddresses = ["10.0.1.50"] };

        var assigned = await api.AssignPrivateIpAddressesAsync(
            new AssignPrivateIpAddressesRequest { NetworkInterfaceId = eniId, PrivateIpAddresses = ["10.0.1.50"], AllowReassignment = true }, CancellationToken.None);
        await api.UnassignPrivateIpAddressesAsync(unassign, CancellationToken.None);
        var again = await Assert.ThrowsAsync<AmazonEC2Exception>(() => api.UnassignPrivateIpAddressesAsync(unassign, CancellationToken.None));

        Assert.Equal("10.0.1.50", Assert.Single(assigned.AssignedPrivateIpAddresses).PrivateIpAddress);
        Assert.Equal("InvalidParameterValue", again.ErrorCode);
        var calls = recorder.Of(StatefulSpotMetrics.Ec2Calls)
            .Select(m => (m.Tag(StatefulSpotMetrics.ActionTag), m.Tag(StatefulSpotMetrics.OutcomeTag), m.Value))
            .Where(c => c.Item1 != "CreateNetworkInterface")
            .OrderBy(c => c.Item1).ThenBy(c => c.Item2)
            .ToList();
        Assert.Equal(
            [("AssignPrivateIpAddresses", "ok", 1d), ("UnassignPrivateIpAddresses", "InvalidParameterValue", 1d), ("UnassignPrivateIpAddresses", "ok", 1d)],
            calls);
    }

    [Fact]
    public async Task Ec2Calls_AreClientSpansUnderTheCallersTrace_WithTheErrorCodeOnFailure()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StatefulSpotMetrics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        IEc2Api api = new InstrumentedEc2Api(new Ec2Api(_ec2), _services.GetRequiredService<StatefulSpotMetrics>());

        using (var parent = new Activity("test-caller").Start())
        {
            await api.DescribeSubnetsAsync(new DescribeSubnetsRequest(), CancellationToken.None);
            await Assert.ThrowsAsync<AmazonEC2Exception>(() =>
                api.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = ["vol-0000000000000dead"] }, CancellationToken.None));

            var mine = spans.Where(s => s.TraceId == parent.TraceId).ToList();
            var ok = Assert.Single(mine, s => s.DisplayName == "EC2 DescribeSubnets");
            Assert.Equal(ActivityKind.Client, ok.Kind);
            Assert.Equal(parent.SpanId, ok.ParentSpanId);
            Assert.NotEqual(ActivityStatusCode.Error, ok.Status);
            var failed = Assert.Single(mine, s => s.DisplayName == "EC2 DescribeVolumes");
            Assert.Equal(ActivityStatusCode.Error, failed.Status);
            Assert.Equal("InvalidVolume.NotFound", failed.GetTagItem("aws.error_code"));
        }
    }

    public async Task DisposeAsync()
    {
        _ec2.Dispose();
        await _services.DisposeAsync();
        await _emulator.DisposeAsync();
    }
}
