using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Control;

public sealed class WorldSnapshotTests
{
    [Fact]
    public async Task Snapshot_ShowsInstancesVolumesInterfacesAndQueues()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetB;
            r.TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("Name", "db-1")] }];
        });
        var spare = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneC, 5);
        var queueUrl = (await world.Sqs.CreateQueueAsync("work")).QueueUrl;
        await world.Sqs.SendMessageAsync(queueUrl, "hello");

        var snapshot = world.Emulator.Snapshot();

        var info = Assert.Single(snapshot.Instances);
        Assert.Equal(instance.InstanceId, info.InstanceId);
        Assert.Equal("running", info.State);
        Assert.Equal("spot", info.Market);
        Assert.Equal(DefaultWorld.ZoneB, info.AvailabilityZone);
        Assert.Equal(DefaultWorld.SubnetB, info.SubnetId);
        Assert.Equal(instance.PrivateIpAddress, info.PrivateIpAddress);
        Assert.Equal([instance.NetworkInterfaces[0].NetworkInterfaceId], info.NetworkInterfaceIds);
        Assert.Equal("db-1", info.Tags["Name"]);
        var root = Assert.Single(info.BlockDevices);
        Assert.Equal("/dev/xvda", root.DeviceName);
        Assert.Equal(2, snapshot.Volumes.Count);
        Assert.Empty(snapshot.Volumes.Single(v => v.VolumeId == spare.VolumeId).Attachments);
        Assert.Equal(instance.InstanceId, Assert.Single(snapshot.Volumes.Single(v => v.VolumeId == root.VolumeId).Attachments).InstanceId);
        var eni = Assert.Single(snapshot.NetworkInterfaces);
        Assert.Equal("in-use", eni.Status);
        Assert.Equal(0, eni.Attachment!.DeviceIndex);
        var work = Assert.Single(snapshot.Queues, q => q.Name == "work");
        Assert.Equal(1, work.Visible);
        Assert.Equal(queueUrl, work.Url);
        Assert.Contains(snapshot.Queues, q => q.Name == "statefulspot-events" && q.Url == world.Emulator.EventQueueUrl);
    }

    [Fact]
    public async Task WorldEndpoint_ReturnsTheSnapshotAsJson()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        using var http = new HttpClient { BaseAddress = world.Emulator.ServiceUrl };

        var json = await http.GetFromJsonAsync<JsonElement>("/_emulator/world");

        var first = json.GetProperty("instances")[0];
        Assert.Equal(instance.InstanceId, first.GetProperty("instanceId").GetString());
        Assert.Equal("running", first.GetProperty("state").GetString());
        Assert.Equal(instance.PrivateIpAddress, first.GetProperty("privateIpAddress").GetString());
        Assert.Equal("/dev/xvda", first.GetProperty("blockDevices")[0].GetProperty("deviceName").GetString());
        Assert.Equal(1, json.GetProperty("volumes").GetArrayLength());
        Assert.Equal(1, json.GetProperty("networkInterfaces").GetArrayLength());
        Assert.Equal("statefulspot-events", json.GetProperty("queues")[0].GetProperty("name").GetString());
    }
}
