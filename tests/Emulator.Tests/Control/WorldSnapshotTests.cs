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

    [Fact]
    public async Task Snapshot_ShowsSnapshotsImagesAddressesCapacityAndThrottling()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var snapshot = await world.CreateCompletedSnapshotAsync();
        var image = await world.RegisterAvailableImageAsync(snapshot.SnapshotId, "snap-image");
        var allocated = await world.Ec2.AllocateAddressAsync(new AllocateAddressRequest());
        await world.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = allocated.AllocationId, InstanceId = instance.InstanceId });

        var taken = world.Emulator.Snapshot();
        var json = await world.Http.GetFromJsonAsync<JsonElement>("/_emulator/world");

        Assert.Equal([DefaultWorld.RootSnapshotId, snapshot.SnapshotId], taken.Snapshots.Select(s => s.SnapshotId));
        Assert.Equal("100%", taken.Snapshots[1].Progress);
        Assert.Equal([DefaultWorld.ImageId, image.ImageId], taken.Images.Select(i => i.ImageId));
        Assert.Equal([snapshot.SnapshotId], taken.Images[1].SnapshotIds);
        var address = Assert.Single(taken.Addresses);
        Assert.Equal(instance.InstanceId, address.InstanceId);
        Assert.Equal(allocated.PublicIp, taken.Instances.Single().PublicIpAddress);
        Assert.Equal(30, taken.Capacity.Count);
        Assert.Equal(1, taken.Capacity.Single(p => p is { InstanceType: "m5.large", AvailabilityZone: DefaultWorld.ZoneA, Market: "spot" }).InUse);
        Assert.True(taken.Throttling!.Enabled);
        Assert.Equal(EmulatorHarness.FastTimeScale, taken.TimeScale);
        Assert.Equal(2, json.GetProperty("snapshots").GetArrayLength());
        Assert.Equal(2, json.GetProperty("images").GetArrayLength());
        Assert.Equal(allocated.AllocationId, json.GetProperty("addresses")[0].GetProperty("allocationId").GetString());
        Assert.Equal(30, json.GetProperty("capacity").GetArrayLength());
        Assert.True(json.GetProperty("throttling").GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task WorldEndpoint_ShowsTheConfiguredDurationsAtTimeScaleOne()
    {
        await using var world = await EmulatorHarness.StartAsync(o =>
        {
            o.InstanceShuttingDownDuration = TimeSpan.FromSeconds(25);
            o.VolumeAttachingDuration = TimeSpan.FromMilliseconds(1500);
            o.ApiCallLatency = TimeSpan.FromMilliseconds(200);
        });

        var taken = world.Emulator.Snapshot();
        var json = await world.Http.GetFromJsonAsync<JsonElement>("/_emulator/world");

        var durations = taken.Durations!;
        Assert.Equal(25, durations.InstanceShuttingDownSeconds);
        Assert.Equal(1.5, durations.VolumeAttachingSeconds);
        Assert.Equal(0.2, durations.ApiCallLatencySeconds);
        Assert.Equal(new EmulatorOptions().InstancePendingDuration.TotalSeconds, durations.InstancePendingSeconds);
        Assert.Equal(EmulatorHarness.FastTimeScale, taken.TimeScale);
        var wire = json.GetProperty("durations");
        Assert.Equal(25, wire.GetProperty("instanceShuttingDownSeconds").GetDouble());
        Assert.Equal(1.5, wire.GetProperty("volumeAttachingSeconds").GetDouble());
        Assert.Equal(10, wire.GetProperty("incrementalSnapshotSeconds").GetDouble());
    }
}
