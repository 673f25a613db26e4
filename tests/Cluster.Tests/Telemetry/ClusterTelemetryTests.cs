using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Diagnostics;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.Telemetry;

namespace StatefulSpot.Cluster.Tests.Telemetry;

/// <summary>What a two-silo cluster measures and traces while it creates and recovers a managed instance.</summary>
public sealed class ClusterTelemetryTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{
    private MetricsRecorder RecordSilos() =>
        new([.. fixture.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<StatefulSpotMetrics>().Meter)]);

    [Fact]
    public async Task SpotInterruption_RecordsStepDurations_TheRecoveryWithItsDowntime_AndTheQueueLag()
    {
        using var recorder = RecordSilos();
        var before = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec());
        await fixture.Emulator.InterruptAsync(before.InstanceId!);
        var after = await fixture.WaitForNextGenerationAsync(before);
        Assert.Equal(ManagedInstanceStatus.Active, after.Status);
        var downtime = after.History.Last().Downtime;
        Assert.NotNull(downtime);

        var steps = recorder.Of(StatefulSpotMetrics.SagaStepDuration);
        Assert.Contains(steps, m => m.Tag(StatefulSpotMetrics.OperationTag) == "create" && m.Tag(StatefulSpotMetrics.StepTag) == "launch");
        Assert.Contains(steps, m => m.Tag(StatefulSpotMetrics.OperationTag) == "recycle" && m.Tag(StatefulSpotMetrics.StepTag) == "wait_old_terminated");
        Assert.All(steps, m => Assert.InRange(m.Value, 0.0, StatefulSpotClusterFixture.Patience.TotalSeconds));

        // Creation is not a recovery: exactly this one recycle was counted, with the downtime of its timeline.
        var recovery = Assert.Single(recorder.Of(StatefulSpotMetrics.Recoveries));
        Assert.Equal("spot_interruption", recovery.Tag(StatefulSpotMetrics.TriggerTag));
        Assert.Equal("succeeded", recovery.Tag(StatefulSpotMetrics.OutcomeTag));
        var recorded = Assert.Single(recorder.Of(StatefulSpotMetrics.RecoveryDowntime));
        Assert.Equal(downtime.Value.TotalSeconds, recorded.Value, 6);
        Assert.Equal("spot_interruption", recorded.Tag(StatefulSpotMetrics.TriggerTag));

        // The application's view of it: from the old instance leaving service, which comes before its termination.
        var appDowntime = after.History.Last().AppDowntime;
        Assert.NotNull(appDowntime);
        Assert.True(appDowntime >= downtime, $"the application's downtime {appDowntime} is shorter than EC2's {downtime}");
        var recordedApp = Assert.Single(recorder.Of(StatefulSpotMetrics.RecoveryAppDowntime));
        Assert.Equal(appDowntime.Value.TotalSeconds, recordedApp.Value, 6);

        var lag = Assert.Single(recorder.Of(StatefulSpotMetrics.EventLag), m => m.Tag(StatefulSpotMetrics.EventKindTag) == "spot_interruption_warning");
        Assert.InRange(lag.Value, 0.0, 30.0);

        // The queue's part of that lag: the warning was received by a silo before it reached its grain (a receive
        // whose message went back to the queue may be counted too).
        var received = recorder.Of(StatefulSpotMetrics.EventReceiveLag).Where(m => m.Tag(StatefulSpotMetrics.EventKindTag) == "spot_interruption_warning").ToList();
        Assert.NotEmpty(received);
        Assert.InRange(received.Min(m => m.Value), 0.0, lag.Value);
    }

    [Fact]
    public async Task RecoveryWithoutCapacity_IsCountedFailed_WithoutADowntime()
    {
        using var recorder = RecordSilos();
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with
        {
            SubnetIds = [DefaultWorld.SubnetC],
            Strategy = new StrategySpec { FallbackToOnDemand = false },
        };
        spec = spec with { LaunchSpecification = spec.LaunchSpecification with { InstanceTypes = InstanceTypesSpec.Of("c5.large") } };
        var before = await fixture.CreateActiveAsync(spec);

        // Spot capacity gone: EC2 reclaims the running instance (a Spot interruption) and has none to launch.
        await fixture.Emulator.SetCapacityAsync("c5.large", DefaultWorld.ZoneC, "spot", 0);
        var failed = await fixture.Client.WaitUntilAsync(before.Id, v => v.Status == ManagedInstanceStatus.Error, TimeSpan.FromSeconds(90));

        Assert.Contains("InsufficientInstanceCapacity", failed.LastError);
        var recovery = Assert.Single(recorder.Of(StatefulSpotMetrics.Recoveries));
        Assert.Equal("spot_interruption", recovery.Tag(StatefulSpotMetrics.TriggerTag));
        Assert.Equal("failed", recovery.Tag(StatefulSpotMetrics.OutcomeTag));
        Assert.Empty(recorder.Of(StatefulSpotMetrics.RecoveryDowntime));
        Assert.Empty(recorder.Of(StatefulSpotMetrics.RecoveryAppDowntime));
    }

    [Fact]
    public async Task RecoveryCutShortByADelete_IsCountedSuperseded()
    {
        using var recorder = RecordSilos();
        var before = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec());

        // The delete supersedes the recycle as it starts: the recycle's end is reported before DeleteAsync returns.
        var recycling = await fixture.Client.RecycleAsync(before.Id);
        Assert.Equal(ManagedInstanceStatus.Recycling, recycling.Status);
        var deleting = await fixture.Client.DeleteAsync(before.Id, new DeleteOptions());
        Assert.Equal(ManagedInstanceStatus.Deleting, deleting.Status);
        Assert.Equal("superseded by Delete", deleting.History.Last().Error);

        var recovery = Assert.Single(recorder.Of(StatefulSpotMetrics.Recoveries));
        Assert.Equal("user", recovery.Tag(StatefulSpotMetrics.TriggerTag));
        Assert.Equal("superseded", recovery.Tag(StatefulSpotMetrics.OutcomeTag));
        Assert.Empty(recorder.Of(StatefulSpotMetrics.RecoveryDowntime));
        Assert.Empty(recorder.Of(StatefulSpotMetrics.RecoveryAppDowntime));
    }

    [Fact]
    public async Task ClientCall_TraceFlowsThroughTheGrainToItsEc2Calls_AndSagaStepsAreSpans()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is StatefulSpotMetrics.ActivitySourceName or ActivitySources.ApplicationGrainActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        ManagedInstanceView created;
        ActivityTraceId traceId;
        ActivitySpanId callerSpan;
        using (var caller = new Activity("test-client").Start())
        {
            (traceId, callerSpan) = (caller.TraceId, caller.SpanId);
            created = await fixture.Client.CreateAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false));
        }

        await fixture.Client.WaitUntilAsync(created.Id, v => v.Status != ManagedInstanceStatus.Creating, StatefulSpotClusterFixture.Patience);

        // client -> CreateAsync (client and grain side) -> the EC2 call that validates the subnets: one chain of spans.
        var inTrace = spans.Where(s => s.TraceId == traceId).ToList();
        var ec2 = Assert.Single(inTrace, s => s.DisplayName == "EC2 DescribeSubnets");
        var ancestors = Ancestors(ec2, inTrace);
        Assert.Equal(callerSpan, (ancestors.LastOrDefault() ?? ec2).ParentSpanId);
        Assert.Contains(ancestors, s => s.Source.Name == ActivitySources.ApplicationGrainActivitySourceName && s.DisplayName.Contains("CreateAsync"));

        // The saga's steps are spans of their own, with the EC2 calls they make as children.
        var launch = Assert.Single(spans, s => s.DisplayName == "saga Create Launch"
            && (string?)s.GetTagItem("statefulspot.managed_instance") == created.Id
            && (string?)s.GetTagItem("statefulspot.step.result") == "done");
        Assert.Contains(spans, s => s.DisplayName == "EC2 RunInstances" && s.ParentSpanId == launch.SpanId);
    }

    /// <summary>The span's ancestors within the trace, nearest first.</summary>
    private static List<Activity> Ancestors(Activity span, IReadOnlyList<Activity> trace)
    {
        var ancestors = new List<Activity>();
        for (var parent = trace.FirstOrDefault(s => s.SpanId == span.ParentSpanId); parent is not null;
             parent = trace.FirstOrDefault(s => s.SpanId == parent.ParentSpanId))
        {
            ancestors.Add(parent);
        }

        return ancestors;
    }
}
