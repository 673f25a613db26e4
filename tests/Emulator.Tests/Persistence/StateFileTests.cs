using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.EC2;
using Amazon.EC2.Model;
using Microsoft.Extensions.Logging.Abstractions;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Persistence;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Persistence;

public sealed class StateFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("statefulspot-emulator-").FullName;

    private string StateFile => Path.Combine(_directory, "world.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task StateFile_RoundTrip_KeepsInstancesVolumesInterfacesAndMessages()
    {
        string instanceId, privateIp, volumeId, eniId, queueUrl;
        await using (var first = await EmulatorHarness.StartAsync(o => o.StateFile = StateFile))
        {
            var eni = await first.CreateAvailableInterfaceAsync(DefaultWorld.SubnetB, "10.0.2.99");
            var instance = await first.LaunchRunningAsync(configure: r => r.NetworkInterfaces =
                [new InstanceNetworkInterfaceSpecification { NetworkInterfaceId = eni.NetworkInterfaceId, DeviceIndex = 0 }]);
            var volume = await first.CreateAvailableVolumeAsync(DefaultWorld.ZoneB);
            queueUrl = (await first.Sqs.CreateQueueAsync("work")).QueueUrl;
            await first.Sqs.SendMessageAsync(queueUrl, "survives a restart");
            (instanceId, privateIp, volumeId, eniId) = (instance.InstanceId, instance.PrivateIpAddress, volume.VolumeId, eni.NetworkInterfaceId);
        }

        Assert.True(File.Exists(StateFile));
        await using var second = await EmulatorHarness.StartAsync(o => o.StateFile = StateFile);

        var restored = await second.DescribeInstanceAsync(instanceId);
        Assert.Equal(InstanceStateName.Running, restored.State.Name);
        Assert.Equal(privateIp, restored.PrivateIpAddress);
        Assert.Equal(eniId, restored.NetworkInterfaces[0].NetworkInterfaceId);
        Assert.Equal(VolumeState.Available, (await second.DescribeVolumeAsync(volumeId)).State);
        var url = (await second.Sqs.GetQueueUrlAsync("work")).QueueUrl;
        var message = Assert.Single((await second.Sqs.ReceiveMessageAsync(url)).Messages);
        Assert.Equal("survives a restart", message.Body);
        var events = await second.Sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest
        {
            QueueUrl = second.Emulator.EventQueueUrl,
            MaxNumberOfMessages = 10,
        });
        Assert.NotNull(events.Messages);

        await second.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instanceId] });
        await second.WaitForInstanceStateAsync(instanceId, InstanceStateName.Terminated);
        Assert.Equal(NetworkInterfaceStatus.Available, (await second.DescribeInterfaceAsync(eniId)).Status);
    }

    [Fact]
    public async Task StateFile_RoundTrip_KeepsSnapshotsImagesAddressesCapacityAndSubnetTags()
    {
        string snapshotId, imageId, allocationId;
        await using (var first = await EmulatorHarness.StartAsync(o => o.StateFile = StateFile))
        {
            var snapshot = await first.CreateCompletedSnapshotAsync();
            var image = await first.RegisterAvailableImageAsync(snapshot.SnapshotId, "persisted");
            allocationId = (await first.Ec2.AllocateAddressAsync(new AllocateAddressRequest())).AllocationId;
            await first.Emulator.SetCapacityAsync("c5.large", DefaultWorld.ZoneB, "spot", 7);
            await first.Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [DefaultWorld.SubnetC], Tags = [new Tag("tier", "data")] });
            (snapshotId, imageId) = (snapshot.SnapshotId, image.ImageId);
        }

        await using var second = await EmulatorHarness.StartAsync(o => o.StateFile = StateFile);

        Assert.Equal(SnapshotState.Completed, (await second.DescribeSnapshotAsync(snapshotId)).State);
        Assert.Equal(ImageState.Available, (await second.DescribeImageAsync(imageId)).State);
        Assert.Equal(allocationId, Assert.Single((await second.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest())).Addresses).AllocationId);
        Assert.Equal(7, second.Emulator.Snapshot().Capacity.Single(p => p is { InstanceType: "c5.large", AvailabilityZone: DefaultWorld.ZoneB, Market: "spot" }).Capacity);
        var subnet = Assert.Single((await second.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [DefaultWorld.SubnetC] })).Subnets);
        Assert.Equal("data", subnet.Tags.Single().Value);
        Assert.Equal(DefaultWorld.ImageId, (await second.DescribeImageAsync(DefaultWorld.ImageId)).ImageId);
    }

    [Fact]
    public async Task StateFile_RoundTrip_KeepsSecondaryPrivateIps_StillTakenInTheSubnet()
    {
        string eniId;
        await using (var first = await EmulatorHarness.StartAsync(o => o.StateFile = StateFile))
        {
            eniId = (await first.LaunchRunningAsync()).NetworkInterfaces[0].NetworkInterfaceId;
            await first.Ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
            {
                NetworkInterfaceId = eniId,
                PrivateIpAddresses = ["10.0.1.90", "10.0.1.91"],
            });
        }

        await using var second = await EmulatorHarness.StartAsync(o => o.StateFile = StateFile);

        var restored = await second.DescribeInterfaceAsync(eniId);
        Assert.Equal(["10.0.1.90", "10.0.1.91"], restored.PrivateIpAddresses.Where(a => a.Primary == false).Select(a => a.PrivateIpAddress));
        await Ec2Assert.FailsAsync("InvalidIPAddress.InUse", () => second.Ec2.CreateNetworkInterfaceAsync(
            new CreateNetworkInterfaceRequest { SubnetId = DefaultWorld.SubnetA, PrivateIpAddress = "10.0.1.91" }));
    }

    [Fact]
    public async Task StateFile_PendingTransitions_ResumeAfterRestart()
    {
        string instanceId;
        await using (var first = await EmulatorHarness.StartAsync(o =>
        {
            o.StateFile = StateFile;
            o.InstancePendingDuration = TimeSpan.FromSeconds(100);
        }))
        {
            instanceId = (await first.LaunchAsync()).InstanceId;
        }

        await using var second = await EmulatorHarness.StartAsync(o => o.StateFile = StateFile);

        Assert.Equal(InstanceStateName.Pending, (await second.DescribeInstanceAsync(instanceId)).State.Name);
        await second.WaitForInstanceStateAsync(instanceId, InstanceStateName.Running);
    }

    [Fact]
    public async Task StateFile_IsWrittenShortlyAfterAChange()
    {
        await using var world = await EmulatorHarness.StartAsync(o =>
        {
            o.StateFile = StateFile;
            o.StateFileMinInterval = TimeSpan.Zero;
        });

        var instance = await world.LaunchAsync();

        await Eventually.ReturnsAsync(
            () => Task.FromResult(File.Exists(StateFile) && File.ReadAllText(StateFile).Contains(instance.InstanceId, StringComparison.Ordinal)),
            saved => saved, "state file with the instance");
    }

    [Fact]
    public async Task StateFile_IsCompact_AndAnIndentedFileOfEarlierVersionsLoadsTheSame()
    {
        string instanceId, volumeId;
        await using (var first = await EmulatorHarness.StartAsync(o => o.StateFile = StateFile))
        {
            instanceId = (await first.LaunchRunningAsync()).InstanceId;
            volumeId = (await first.CreateAvailableVolumeAsync(DefaultWorld.ZoneA)).VolumeId;
        }

        var compact = await File.ReadAllTextAsync(StateFile);
        Assert.DoesNotContain('\n', compact);
        await File.WriteAllTextAsync(StateFile, JsonNode.Parse(compact)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        await using var second = await EmulatorHarness.StartAsync(o => o.StateFile = StateFile);

        Assert.Equal(InstanceStateName.Running, (await second.DescribeInstanceAsync(instanceId)).State.Name);
        Assert.Equal(VolumeState.Available, (await second.DescribeVolumeAsync(volumeId)).State);
    }

    [Fact]
    public async Task StateFile_Dispose_WritesTheLastChange_WithoutWaitingForTheDelayOrInterval()
    {
        string volumeId;
        await using (var first = await EmulatorHarness.StartAsync(o =>
        {
            o.StateFile = StateFile;
            o.StateFileSaveDelay = TimeSpan.FromHours(1);
            o.StateFileMinInterval = TimeSpan.FromHours(1);
        }))
        {
            volumeId = (await first.CreateAvailableVolumeAsync(DefaultWorld.ZoneB)).VolumeId;
            Assert.False(File.Exists(StateFile));
        }

        await using var second = await EmulatorHarness.StartAsync(o => o.StateFile = StateFile);

        Assert.Equal(VolumeState.Available, (await second.DescribeVolumeAsync(volumeId)).State);
    }

    [Fact]
    public async Task StateFile_ManyChangesInQuickSuccession_AreWrittenAtMostOncePerMinInterval()
    {
        var gate = new WorldGate(new EmulatorState());
        var interval = TimeSpan.FromMilliseconds(400);
        long last;
        using (var store = new StateFileStore(StateFile, TimeSpan.FromMilliseconds(10), interval, gate, TimeProvider.System, NullLogger<StateFileStore>.Instance))
        {
            var running = Stopwatch.StartNew();
            do
            {
                gate.Write(s => s.Ec2.NextSequence());
                await Task.Delay(1);
            }
            while (running.Elapsed < TimeSpan.FromSeconds(1.4));

            // one write at once (10 ms), then one per interval: about 4 in 1.4 s for thousands of changes
            Assert.InRange(store.Saves, 1, (int)Math.Ceiling(running.Elapsed / interval) + 1);
            last = gate.Read(s => s.Ec2.LastSequence);
            Assert.True(last > 100, $"only {last} changes");
        }

        Assert.Equal(last, StateFileStore.Load(StateFile)!.Ec2.LastSequence);
    }
}
