using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class InstanceAttributeTests
{
    [Fact]
    public async Task ModifyInstanceAttribute_RootDeleteOnTerminationFalse_KeepsTheRootVolumeAfterTermination()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var rootId = instance.BlockDeviceMappings[0].Ebs.VolumeId;

        await world.Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest
        {
            InstanceId = instance.InstanceId,
            BlockDeviceMappings =
            [
                new InstanceBlockDeviceMappingSpecification
                {
                    DeviceName = DefaultWorld.RootDeviceName,
                    Ebs = new EbsInstanceBlockDeviceSpecification { DeleteOnTermination = false },
                },
            ],
        });

        var described = await world.DescribeInstanceAsync(instance.InstanceId);
        Assert.False(described.BlockDeviceMappings[0].Ebs.DeleteOnTermination);
        await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] });
        await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Terminated);
        var root = await world.DescribeVolumeAsync(rootId);
        Assert.Equal(VolumeState.Available, root.State);
    }

    [Fact]
    public async Task ModifyInstanceAttribute_UnmappedDevice_ReturnsInvalidInstanceAttributeValue()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();

        var error = await Ec2Assert.FailsAsync("InvalidInstanceAttributeValue", () => world.Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest
        {
            InstanceId = instance.InstanceId,
            BlockDeviceMappings =
            [
                new InstanceBlockDeviceMappingSpecification
                {
                    DeviceName = "/dev/sdz",
                    Ebs = new EbsInstanceBlockDeviceSpecification { DeleteOnTermination = false },
                },
            ],
        }));

        Assert.Contains("/dev/sdz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModifyInstanceAttribute_DisableApiTermination_ProtectsUntilTurnedOff()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync(spot: false);

        await world.Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = instance.InstanceId, DisableApiTermination = true });
        var error = await Ec2Assert.FailsAsync("OperationNotPermitted", () =>
            world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] }));
        Assert.Contains("disableApiTermination", error.Message, StringComparison.Ordinal);
        Assert.True(world.Emulator.Snapshot().Instances.Single().DisableApiTermination);

        await world.Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = instance.InstanceId, DisableApiTermination = false });
        await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] });
    }

    [Fact]
    public async Task ModifyInstanceAttribute_TwoAttributesOrUnknownInstance_AreRejected()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();

        await Ec2Assert.FailsAsync("InvalidParameterCombination", () => world.Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest
        {
            InstanceId = instance.InstanceId,
            DisableApiTermination = true,
            SourceDestCheck = false,
        }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => world.Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest
        {
            InstanceId = "i-0000000000000000f",
            DisableApiTermination = true,
        }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.Malformed", () => world.Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest
        {
            InstanceId = "i-nothex",
            DisableApiTermination = true,
        }));
    }
}
