using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Control;

public sealed class SpotInterruptionTests
{
    [Fact]
    public async Task Interrupt_PutsTheEventBridgeWarningOnTheQueue_ThenTerminatesAndReleasesDataVolumeAndInterface()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var events = new EventQueue(world.Sqs, world.Emulator.EventQueueUrl);
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA, "10.0.1.42");
        var instance = await world.LaunchRunningAsync(configure: r => r.NetworkInterfaces =
            [new InstanceNetworkInterfaceSpecification { NetworkInterfaceId = eni.NetworkInterfaceId, DeviceIndex = 0 }]);
        var data = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA, 100);
        await world.Ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = data.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/sdf" });
        await events.DrainAsync();

        var notice = await world.Emulator.InterruptAsync(instance.InstanceId);

        var warning = Assert.Single(await events.DrainAsync(), b => b.Contains(DetailTypes.Warning, StringComparison.Ordinal));
        AssertExactWarning(warning, instance.InstanceId, notice);
        Assert.Equal(notice.NoticeTime + TimeSpan.FromSeconds(120 * EmulatorHarness.FastTimeScale), notice.TerminationTime);
        Assert.Equal(InstanceStateName.Running, (await world.DescribeInstanceAsync(instance.InstanceId)).State.Name);

        var terminated = await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Terminated);
        Assert.True(DateTimeOffset.UtcNow >= notice.TerminationTime);
        Assert.Equal("Server.SpotInstanceTermination", terminated.StateReason.Code);
        Assert.Equal("Server.SpotInstanceTermination: Spot instance termination", terminated.StateReason.Message);
        var volume = await world.DescribeVolumeAsync(data.VolumeId);
        Assert.Equal(VolumeState.Available, volume.State);
        Assert.Null(volume.Attachments);
        var released = await world.DescribeInterfaceAsync(eni.NetworkInterfaceId);
        Assert.Equal(NetworkInterfaceStatus.Available, released.Status);
        Assert.Null(released.Attachment);
        Assert.Equal("10.0.1.42", released.PrivateIpAddress);

        await events.WaitForAsync(DetailTypes.StateChange, instance.InstanceId, "shutting-down");
        await events.WaitForAsync(DetailTypes.StateChange, instance.InstanceId, "terminated");
        var replacement = await world.LaunchAsync(configure: r => r.NetworkInterfaces =
            [new InstanceNetworkInterfaceSpecification { NetworkInterfaceId = eni.NetworkInterfaceId, DeviceIndex = 0 }]);
        Assert.Equal("10.0.1.42", replacement.PrivateIpAddress);
    }

    [Fact]
    public async Task StateChangeEvents_AreEmittedForEveryTransition()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var events = new EventQueue(world.Sqs, world.Emulator.EventQueueUrl);
        var instance = await world.LaunchRunningAsync();
        await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] });

        var terminated = await events.WaitForAsync(DetailTypes.StateChange, instance.InstanceId, "terminated");

        Assert.Equal(["pending", "running", "shutting-down", "terminated"],
            events.Events(DetailTypes.StateChange, instance.InstanceId).Select(e => e.GetProperty("detail").GetProperty("state").GetString()));
        Assert.Equal("aws.ec2", terminated.GetProperty("source").GetString());
        Assert.Equal($"arn:aws:ec2:us-east-1:123456789012:instance/{instance.InstanceId}", terminated.GetProperty("resources")[0].GetString());
    }

    [Fact]
    public async Task StateChangeEvents_WhenDisabled_AreNotEmitted()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.EmitStateChangeEvents = false);
        var events = new EventQueue(world.Sqs, world.Emulator.EventQueueUrl);
        var instance = await world.LaunchRunningAsync();

        await world.Emulator.InterruptAsync(instance.InstanceId);
        await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Terminated);

        var body = Assert.Single(await events.DrainAsync());
        Assert.Contains(DetailTypes.Warning, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterruptAsync_UnknownOnDemandPendingOrWarnedInstance_Fails()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var onDemand = await world.LaunchRunningAsync(spot: false);
        var spot = await world.LaunchRunningAsync();

        await Assert.ThrowsAsync<KeyNotFoundException>(() => world.Emulator.InterruptAsync("i-0000000000000000f"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => world.Emulator.InterruptAsync(onDemand.InstanceId));
        await world.Emulator.InterruptAsync(spot.InstanceId);
        await Assert.ThrowsAsync<InvalidOperationException>(() => world.Emulator.InterruptAsync(spot.InstanceId));
    }

    [Fact]
    public async Task InterruptEndpoint_ReturnsTheNotice_Or404_Or409()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.InstancePendingDuration = TimeSpan.FromSeconds(1000));
        var pending = await world.LaunchAsync();
        using var http = new HttpClient { BaseAddress = world.Emulator.ServiceUrl };

        using var unknown = await http.PostAsync("/_emulator/instances/i-0000000000000000f/interrupt", null);
        using var notRunning = await http.PostAsync($"/_emulator/instances/{pending.InstanceId}/interrupt", null);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("i-0000000000000000f", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, notRunning.StatusCode);
        Assert.Contains("pending", (await notRunning.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterruptEndpoint_RunningSpotInstance_ReturnsNoticeJson()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        using var http = new HttpClient { BaseAddress = world.Emulator.ServiceUrl };

        using var response = await http.PostAsync($"/_emulator/instances/{instance.InstanceId}/interrupt", null);

        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(instance.InstanceId, json.GetProperty("instanceId").GetString());
        Assert.True(json.GetProperty("terminationTime").GetDateTimeOffset() > json.GetProperty("noticeTime").GetDateTimeOffset());
        Assert.True(Guid.TryParse(json.GetProperty("eventId").GetString(), out _));
        await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Terminated);
    }

    private static void AssertExactWarning(string body, string instanceId, InterruptionNotice notice)
    {
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal(
            ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("0", root.GetProperty("version").GetString());
        Assert.Equal(notice.EventId, root.GetProperty("id").GetString());
        Assert.True(Guid.TryParse(notice.EventId, out _));
        Assert.Equal(DetailTypes.Warning, root.GetProperty("detail-type").GetString());
        Assert.Equal("aws.ec2", root.GetProperty("source").GetString());
        Assert.Equal("123456789012", root.GetProperty("account").GetString());
        var time = root.GetProperty("time").GetString()!;
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", time);
        Assert.Equal(notice.NoticeTime.ToUnixTimeSeconds(), DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds());
        Assert.Equal("us-east-1", root.GetProperty("region").GetString());
        Assert.Equal([$"arn:aws:ec2:us-east-1:123456789012:instance/{instanceId}"], root.GetProperty("resources").EnumerateArray().Select(r => r.GetString()));
        var detail = root.GetProperty("detail");
        Assert.Equal(["instance-id", "instance-action"], detail.EnumerateObject().Select(p => p.Name));
        Assert.Equal(instanceId, detail.GetProperty("instance-id").GetString());
        Assert.Equal("terminate", detail.GetProperty("instance-action").GetString());
    }
}
