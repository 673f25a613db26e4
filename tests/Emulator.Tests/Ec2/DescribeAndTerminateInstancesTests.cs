using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class DescribeAndTerminateInstancesTests
{
    [Fact]
    public async Task DescribeInstances_UnknownId_ReturnsInstanceIdNotFound()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var error = await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () =>
            world.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = ["i-0123456789abcdef0"] }));
        Assert.Equal("The instance ID 'i-0123456789abcdef0' does not exist", error.Message);
    }

    [Fact]
    public async Task DescribeInstances_Filters_MatchStateIdAndTags()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var tagged = await world.LaunchRunningAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("managed-by", "statefulspot")] }];
        });
        var other = await world.LaunchRunningAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetB;
            r.TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("managed-by", "someone-else")] }];
        });
        var untagged = await world.LaunchAsync();
        await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [other.InstanceId] });

        async Task<List<string>> Ids(params Filter[] filters) =>
            ((await world.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [.. filters] })).Reservations ?? [])
            .SelectMany(r => r.Instances).Select(i => i.InstanceId).ToList();

        Assert.Equal([tagged.InstanceId], await Ids(new Filter("tag:managed-by", ["statefulspot"])));
        Assert.Equal([tagged.InstanceId, other.InstanceId], await Ids(new Filter("tag-key", ["managed-by"])));
        Assert.Equal([tagged.InstanceId], await Ids(new Filter("tag-key", ["managed-by"]), new Filter("instance-state-name", ["pending", "running"])));
        Assert.Equal([untagged.InstanceId], await Ids(new Filter("instance-id", [untagged.InstanceId])));
        Assert.Equal([tagged.InstanceId, other.InstanceId], await Ids(new Filter("tag:managed-by", ["s*"])));
        Assert.Empty(await Ids(new Filter("instance-state-name", ["stopped"])));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => Ids(new Filter("no-such-filter", ["x"])));
    }

    [Fact]
    public async Task DescribeInstances_MaxResults_PagesWithNextToken()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var launched = await world.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = DefaultWorld.ImageId,
            InstanceType = InstanceType.T3Medium,
            MinCount = 6,
            MaxCount = 6,
            SubnetId = DefaultWorld.SubnetC,
        });
        Assert.Equal(6, launched.Reservation.Instances.Count);

        var first = await world.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { MaxResults = 5 });
        var second = await world.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { MaxResults = 5, NextToken = first.NextToken });

        Assert.Equal(5, first.Reservations.SelectMany(r => r.Instances).Count());
        Assert.NotNull(first.NextToken);
        Assert.Single(second.Reservations.SelectMany(r => r.Instances));
        Assert.Null(second.NextToken);
        Assert.Equal(
            launched.Reservation.Instances.Select(i => i.InstanceId),
            first.Reservations.Concat(second.Reservations).SelectMany(r => r.Instances).Select(i => i.InstanceId));
    }

    [Fact]
    public async Task DescribeInstances_MaxResultsWithInstanceIds_ReturnsInvalidParameterCombination()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchAsync();

        await Ec2Assert.FailsAsync("InvalidParameterCombination", () =>
            world.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instance.InstanceId], MaxResults = 5 }));
    }

    [Fact]
    public async Task TerminateInstances_ReportsShuttingDownThenTerminatedAndIsIdempotent()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();

        var first = Assert.Single((await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] })).TerminatingInstances);
        Assert.Equal(InstanceStateName.Running, first.PreviousState.Name);
        Assert.Equal(InstanceStateName.ShuttingDown, first.CurrentState.Name);
        Assert.Equal(32, first.CurrentState.Code);

        var terminated = await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Terminated);
        Assert.Equal("Client.UserInitiatedShutdown", terminated.StateReason.Code);
        Assert.StartsWith("User initiated (", terminated.StateTransitionReason, StringComparison.Ordinal);
        Assert.Null(terminated.PrivateIpAddress);
        Assert.Null(terminated.NetworkInterfaces);
        Assert.Null(terminated.BlockDeviceMappings);

        var again = Assert.Single((await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] })).TerminatingInstances);
        Assert.Equal(InstanceStateName.Terminated, again.PreviousState.Name);
        Assert.Equal(InstanceStateName.Terminated, again.CurrentState.Name);
    }

    [Fact]
    public async Task TerminateInstances_PendingInstance_ShutsDown()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.InstancePendingDuration = TimeSpan.FromSeconds(1000));
        var instance = await world.LaunchAsync();

        var change = Assert.Single((await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] })).TerminatingInstances);

        Assert.Equal(InstanceStateName.Pending, change.PreviousState.Name);
        Assert.Equal(InstanceStateName.ShuttingDown, change.CurrentState.Name);
        await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Terminated);
    }

    [Fact]
    public async Task TerminateInstances_AtTerminated_DeletesDeleteOnTerminationResourcesAndReleasesTheRest()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.BlockDeviceMappings =
            [
                new BlockDeviceMapping { DeviceName = "/dev/sdf", Ebs = new EbsBlockDevice { VolumeSize = 50, DeleteOnTermination = false } },
            ];
        });
        var rootId = instance.BlockDeviceMappings.Single(m => m.DeviceName == "/dev/xvda").Ebs.VolumeId;
        var launchDataId = instance.BlockDeviceMappings.Single(m => m.DeviceName == "/dev/sdf").Ebs.VolumeId;
        var attached = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);
        await world.Ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = attached.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/sdg" });
        var eniId = instance.NetworkInterfaces[0].NetworkInterfaceId;

        await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] });
        await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Terminated);

        await Ec2Assert.FailsAsync("InvalidVolume.NotFound", () => world.DescribeVolumeAsync(rootId));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => world.DescribeInterfaceAsync(eniId));
        foreach (var kept in new[] { launchDataId, attached.VolumeId })
        {
            var volume = await world.DescribeVolumeAsync(kept);
            Assert.Equal(VolumeState.Available, volume.State);
            Assert.Null(volume.Attachments);
        }
    }

    [Fact]
    public async Task TerminateInstances_AnyUnknownId_TerminatesNothing()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();

        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => world.Ec2.TerminateInstancesAsync(
            new TerminateInstancesRequest { InstanceIds = [instance.InstanceId, "i-0000000000000000f"] }));

        Assert.Equal(InstanceStateName.Running, (await world.DescribeInstanceAsync(instance.InstanceId)).State.Name);
    }
}
