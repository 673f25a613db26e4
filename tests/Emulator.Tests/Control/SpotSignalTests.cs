using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Control;

public sealed class SpotSignalTests
{
    [Fact]
    public async Task RecommendRebalance_PutsTheExactEventOnTheQueue_AndLeavesTheInstanceRunning()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var events = new EventQueue(world.Sqs, world.Emulator.EventQueueUrl);
        var instance = await world.LaunchRunningAsync();

        var notice = await world.Emulator.RecommendRebalanceAsync(instance.InstanceId);

        var body = Assert.Single(await events.DrainAsync(), b => b.Contains(DetailTypes.Rebalance, StringComparison.Ordinal));
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal(
            ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(notice.EventId, root.GetProperty("id").GetString());
        Assert.Equal("aws.ec2", root.GetProperty("source").GetString());
        Assert.Equal([$"arn:aws:ec2:us-east-1:123456789012:instance/{instance.InstanceId}"], root.GetProperty("resources").EnumerateArray().Select(r => r.GetString()));
        var detail = root.GetProperty("detail");
        Assert.Equal(["instance-id"], detail.EnumerateObject().Select(p => p.Name));
        Assert.Equal(instance.InstanceId, detail.GetProperty("instance-id").GetString());
        Assert.Null(notice.InterruptionWarningTime);
        Assert.NotNull(world.Emulator.Snapshot().Instances.Single().RebalanceRecommendationTime);
        await Task.Delay(TimeSpan.FromSeconds(200 * EmulatorHarness.FastTimeScale));
        Assert.Equal(InstanceStateName.Running, (await world.DescribeInstanceAsync(instance.InstanceId)).State.Name);
        Assert.Empty(events.Events(DetailTypes.Warning, instance.InstanceId));
    }

    [Fact]
    public async Task RebalanceEndpoint_WithInterruptAfter_WarnsAfterTheLeadThenTerminates()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var events = new EventQueue(world.Sqs, world.Emulator.EventQueueUrl);
        var instance = await world.LaunchRunningAsync();

        using var response = await world.Http.PostAsJsonAsync($"/_emulator/instances/{instance.InstanceId}/rebalance", new { interruptAfterSeconds = 60 });

        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var noticeTime = json.GetProperty("noticeTime").GetDateTimeOffset();
        Assert.Equal(noticeTime + TimeSpan.FromSeconds(60 * EmulatorHarness.FastTimeScale), json.GetProperty("interruptionWarningTime").GetDateTimeOffset());
        var warning = await events.WaitForAsync(DetailTypes.Warning, instance.InstanceId);
        Assert.Single(events.Events(DetailTypes.Rebalance, instance.InstanceId));
        Assert.Equal("terminate", warning.GetProperty("detail").GetProperty("instance-action").GetString());
        var terminated = await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Terminated);
        Assert.Equal("Server.SpotInstanceTermination", terminated.StateReason.Code);
    }

    [Fact]
    public async Task RecommendRebalance_OnDemandOrUnknownInstance_Fails()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var onDemand = await world.LaunchRunningAsync(spot: false);

        using var unknown = await world.Http.PostAsync("/_emulator/instances/i-0000000000000000f/rebalance", null);
        using var conflict = await world.Http.PostAsync($"/_emulator/instances/{onDemand.InstanceId}/rebalance", null);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => world.Emulator.RecommendRebalanceAsync(onDemand.InstanceId));
    }

    [Fact]
    public async Task HealthEvent_PutsTheExactAwsHealthEventOnTheQueue_AndShowsInDescribeInstanceStatus()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var events = new EventQueue(world.Sqs, world.Emulator.EventQueueUrl);
        var instance = await world.LaunchRunningAsync(spot: false);
        await events.DrainAsync();

        var notice = await world.Emulator.ScheduleHealthEventAsync(instance.InstanceId, new HealthEventRequest { StartsIn = TimeSpan.FromHours(1) });

        var body = Assert.Single(await events.DrainAsync(), b => b.Contains("AWS Health Event", StringComparison.Ordinal));
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal(
            ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("AWS Health Event", root.GetProperty("detail-type").GetString());
        Assert.Equal("aws.health", root.GetProperty("source").GetString());
        Assert.Equal(notice.EventId, root.GetProperty("id").GetString());
        Assert.Equal([instance.InstanceId], root.GetProperty("resources").EnumerateArray().Select(r => r.GetString()));
        var detail = root.GetProperty("detail");
        Assert.Equal(
            ["eventArn", "service", "eventTypeCode", "eventTypeCategory", "eventScopeCode", "communicationId", "startTime", "endTime",
                "lastUpdatedTime", "statusCode", "eventRegion", "eventDescription", "affectedEntities"],
            detail.EnumerateObject().Select(p => p.Name));
        Assert.Equal("EC2", detail.GetProperty("service").GetString());
        Assert.Equal("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", detail.GetProperty("eventTypeCode").GetString());
        Assert.Equal("scheduledChange", detail.GetProperty("eventTypeCategory").GetString());
        Assert.Equal(notice.EventArn, detail.GetProperty("eventArn").GetString());
        Assert.StartsWith("arn:aws:health:us-east-1::event/EC2/AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED/", notice.EventArn, StringComparison.Ordinal);
        Assert.Matches(@"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$", detail.GetProperty("startTime").GetString());
        Assert.Equal(instance.InstanceId, detail.GetProperty("affectedEntities")[0].GetProperty("entityValue").GetString());
        Assert.Equal("en_US", detail.GetProperty("eventDescription")[0].GetProperty("language").GetString());

        var status = Assert.Single((await world.Ec2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest
        {
            Filters = [new Filter("event.code", ["instance-retirement"])],
        })).InstanceStatuses);
        var instanceEvent = Assert.Single(status.Events);
        Assert.Equal(notice.InstanceEventId, instanceEvent.InstanceEventId);
        Assert.Equal(EventCode.InstanceRetirement, instanceEvent.Code);
        Assert.Equal(notice.NotBefore.UtcDateTime, instanceEvent.NotBefore!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task HealthEventEndpoint_TakesTypeAndTimes()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();

        using var response = await world.Http.PostAsJsonAsync($"/_emulator/instances/{instance.InstanceId}/health-event",
            new { eventTypeCode = "AWS_EC2_INSTANCE_STOP_SCHEDULED", startsInSeconds = 100, durationSeconds = 50 });

        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("instance-stop", json.GetProperty("code").GetString());
        var notBefore = json.GetProperty("notBefore").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromSeconds(50 * EmulatorHarness.FastTimeScale), json.GetProperty("notAfter").GetDateTimeOffset() - notBefore);
    }
}
