using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class NetworkInterfaceAttachmentTests
{
    [Fact]
    public async Task AttachThenDetach_SecondaryInterface_GoesInUseThenAvailable()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);

        var attached = await world.Ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId,
            InstanceId = instance.InstanceId,
            DeviceIndex = 1,
        });

        Assert.Matches("^eni-attach-[0-9a-f]{17}$", attached.AttachmentId);
        var inUse = await Eventually.ReturnsAsync(() => world.DescribeInterfaceAsync(eni.NetworkInterfaceId),
            n => n.Attachment?.Status == AttachmentStatus.Attached, "attached");
        Assert.Equal(NetworkInterfaceStatus.InUse, inUse.Status);
        Assert.Equal(2, (await world.DescribeInstanceAsync(instance.InstanceId)).NetworkInterfaces.Count);

        await world.Ec2.DetachNetworkInterfaceAsync(new DetachNetworkInterfaceRequest { AttachmentId = attached.AttachmentId });
        var released = await world.WaitForInterfaceStatusAsync(eni.NetworkInterfaceId, NetworkInterfaceStatus.Available);
        Assert.Null(released.Attachment);
    }

    [Fact]
    public async Task DetachNetworkInterface_AtDeviceIndexZero_ReturnsOperationNotPermitted()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();

        var error = await Ec2Assert.FailsAsync("OperationNotPermitted", () => world.Ec2.DetachNetworkInterfaceAsync(
            new DetachNetworkInterfaceRequest { AttachmentId = instance.NetworkInterfaces[0].Attachment.AttachmentId }));

        Assert.Equal("The network interface at device index 0 cannot be detached.", error.Message);
        await Ec2Assert.FailsAsync("InvalidAttachmentID.NotFound", () => world.Ec2.DetachNetworkInterfaceAsync(
            new DetachNetworkInterfaceRequest { AttachmentId = "eni-attach-0000000000000000f" }));
    }

    [Fact]
    public async Task AttachNetworkInterface_IndexTakenInterfaceInUseOrOtherZone_AreRejected()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var other = await world.LaunchRunningAsync();
        var free = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);
        var elsewhere = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetB);

        var taken = await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest
        {
            NetworkInterfaceId = free.NetworkInterfaceId, InstanceId = instance.InstanceId, DeviceIndex = 0,
        }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterface.InUse", () => world.Ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest
        {
            NetworkInterfaceId = other.NetworkInterfaces[0].NetworkInterfaceId, InstanceId = instance.InstanceId, DeviceIndex = 1,
        }));
        await Ec2Assert.FailsAsync("InvalidParameterCombination", () => world.Ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest
        {
            NetworkInterfaceId = elsewhere.NetworkInterfaceId, InstanceId = instance.InstanceId, DeviceIndex = 1,
        }));

        Assert.Equal($"Instance '{instance.InstanceId}' already has an interface attached at device index '0'.", taken.Message);
    }

    [Fact]
    public async Task ModifyNetworkInterfaceAttribute_AttachmentDeleteOnTerminationFalse_KeepsTheLaunchInterface()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var eni = instance.NetworkInterfaces[0];
        Assert.True(eni.Attachment.DeleteOnTermination);

        await world.Ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId,
            Attachment = new NetworkInterfaceAttachmentChanges { AttachmentId = eni.Attachment.AttachmentId, DeleteOnTermination = false },
        });
        await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] });
        await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Terminated);

        var kept = await world.DescribeInterfaceAsync(eni.NetworkInterfaceId);
        Assert.Equal(NetworkInterfaceStatus.Available, kept.Status);
        Assert.Equal(instance.PrivateIpAddress, kept.PrivateIpAddress);
    }

    [Fact]
    public async Task ModifyNetworkInterfaceAttribute_DescriptionAndErrors()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);

        await world.Ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId,
            Description = "primary of web-1",
        });

        Assert.Equal("primary of web-1", (await world.DescribeInterfaceAsync(eni.NetworkInterfaceId)).Description);
        await Ec2Assert.FailsAsync("InvalidAttachmentID.NotFound", () => world.Ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId,
            Attachment = new NetworkInterfaceAttachmentChanges { AttachmentId = "eni-attach-0000000000000000f", DeleteOnTermination = false },
        }));
        await Ec2Assert.FailsAsync("InvalidParameterCombination", () => world.Ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId,
            Description = "x",
            SourceDestCheck = false,
        }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => world.Ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest
        {
            NetworkInterfaceId = "eni-0000000000000000f",
            Description = "x",
        }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceId.Malformed", () => world.DescribeInterfaceAsync("eni-?"));
    }
}
