using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class StopStartInstancesTests
{
    [Fact]
    public async Task StopThenStart_OnDemand_GoesStoppingStoppedPendingRunning_KeepingVolumesInterfaceAndAddress()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var events = new EventQueue(world.Sqs, world.Emulator.EventQueueUrl);
        var instance = await world.LaunchRunningAsync(spot: false);
        var rootId = instance.BlockDeviceMappings[0].Ebs.VolumeId;

        var stopping = Assert.Single((await world.Ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [instance.InstanceId] })).StoppingInstances);
        Assert.Equal(InstanceStateName.Running, stopping.PreviousState.Name);
        Assert.Equal(InstanceStateName.Stopping, stopping.CurrentState.Name);
        Assert.Equal(64, stopping.CurrentState.Code);
        var stopped = await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Stopped);
        Assert.Equal("Client.UserInitiatedShutdown", stopped.StateReason.Code);
        Assert.Equal(instance.PrivateIpAddress, stopped.PrivateIpAddress);
        Assert.Equal(rootId, stopped.BlockDeviceMappings[0].Ebs.VolumeId);

        var starting = Assert.Single((await world.Ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [instance.InstanceId] })).StartingInstances);
        Assert.Equal(InstanceStateName.Stopped, starting.PreviousState.Name);
        Assert.Equal(InstanceStateName.Pending, starting.CurrentState.Name);
        var running = await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Running);
        Assert.Equal(instance.PrivateIpAddress, running.PrivateIpAddress);

        foreach (var state in new[] { "stopping", "stopped", "pending", "running" })
        {
            await events.WaitForAsync(DetailTypes.StateChange, instance.InstanceId, state);
        }
    }

    [Fact]
    public async Task StopInstances_OneTimeSpot_ReturnsUnsupportedOperation()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();

        var error = await Ec2Assert.FailsAsync("UnsupportedOperation", () =>
            world.Ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [instance.InstanceId] }));

        Assert.Contains("one-time Spot Instance request", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopInstances_PendingOrTerminated_ReturnsIncorrectInstanceState()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.InstancePendingDuration = TimeSpan.FromSeconds(1000));
        var pending = await world.LaunchAsync(spot: false);

        await Ec2Assert.FailsAsync("IncorrectInstanceState", () =>
            world.Ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [pending.InstanceId] }));
        await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [pending.InstanceId] });
        await Ec2Assert.FailsAsync("IncorrectInstanceState", () =>
            world.Ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [pending.InstanceId] }));
    }

    [Fact]
    public async Task StartInstances_RunningIsANoOp_TerminatedIsIncorrectInstanceState()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync(spot: false);

        var change = Assert.Single((await world.Ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [instance.InstanceId] })).StartingInstances);
        Assert.Equal(InstanceStateName.Running, change.CurrentState.Name);

        await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] });
        var error = await Ec2Assert.FailsAsync("IncorrectInstanceState", () =>
            world.Ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [instance.InstanceId] }));
        Assert.Contains("can be started", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TerminateInstances_StoppedInstance_ShutsDownAndTerminates()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync(spot: false);
        await world.Ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [instance.InstanceId] });
        await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Stopped);

        var change = Assert.Single((await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] })).TerminatingInstances);

        Assert.Equal(InstanceStateName.Stopped, change.PreviousState.Name);
        Assert.Equal(InstanceStateName.ShuttingDown, change.CurrentState.Name);
        await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Terminated);
    }

    [Fact]
    public async Task StartInstances_WithoutOnDemandCapacity_ReturnsInsufficientInstanceCapacity()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync(spot: false);
        await world.Ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [instance.InstanceId] });
        await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Stopped);
        await world.Emulator.SetCapacityAsync("m5.large", DefaultWorld.ZoneA, "on-demand", 0);

        await Ec2Assert.FailsAsync("InsufficientInstanceCapacity", () =>
            world.Ec2NoRetry.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [instance.InstanceId] }), 500);
        Assert.Equal("stopped", world.Emulator.Snapshot().Instances.Single().State);
    }

    [Fact]
    public async Task DescribeInstanceStatus_ListsRunningInstances_AndAllWithIncludeAllInstances()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var running = await world.LaunchRunningAsync(spot: false);
        var stopped = await world.LaunchRunningAsync(spot: false);
        await world.Ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [stopped.InstanceId] });
        await world.WaitForInstanceStateAsync(stopped.InstanceId, InstanceStateName.Stopped);

        var active = (await world.Ec2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest())).InstanceStatuses;
        var all = (await world.Ec2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest { IncludeAllInstances = true })).InstanceStatuses;
        var okOnly = (await world.Ec2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest
        {
            IncludeAllInstances = true,
            Filters = [new Filter("instance-status.status", ["ok"])],
        })).InstanceStatuses;

        var status = Assert.Single(active);
        Assert.Equal(running.InstanceId, status.InstanceId);
        Assert.Equal(SummaryStatus.Ok, status.Status.Status);
        Assert.Equal(SummaryStatus.Ok, status.SystemStatus.Status);
        Assert.Equal("passed", Assert.Single(status.Status.Details).Status.Value);
        Assert.Equal(DefaultWorld.ZoneA, status.AvailabilityZone);
        Assert.Equal(2, all.Count);
        Assert.Equal(SummaryStatus.NotApplicable, all.Single(s => s.InstanceId == stopped.InstanceId).Status.Status);
        Assert.Equal(running.InstanceId, Assert.Single(okOnly).InstanceId);
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () =>
            world.Ec2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest { InstanceIds = ["i-0000000000000000f"] }));
    }
}
