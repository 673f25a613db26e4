using System.Text.RegularExpressions;
using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class RunInstancesTests
{
    [Fact]
    public async Task RunInstances_Spot_StartsPendingAndRunsWithRealLookingIds()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var response = await world.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = DefaultWorld.ImageId,
            InstanceType = InstanceType.M5Large,
            MinCount = 1,
            MaxCount = 1,
            SubnetId = DefaultWorld.SubnetA,
            InstanceMarketOptions = new InstanceMarketOptionsRequest { MarketType = MarketType.Spot },
        });

        Assert.Matches(IdPattern("r"), response.Reservation.ReservationId);
        Assert.Equal("123456789012", response.Reservation.OwnerId);
        var launched = Assert.Single(response.Reservation.Instances);
        Assert.Matches(IdPattern("i"), launched.InstanceId);
        Assert.Equal(InstanceStateName.Pending, launched.State.Name);
        Assert.Equal(0, launched.State.Code);
        Assert.Equal(InstanceLifecycleType.Spot, launched.InstanceLifecycle);
        Assert.Matches(IdPattern("sir"), launched.SpotInstanceRequestId);
        Assert.Equal(DefaultWorld.ZoneA, launched.Placement.AvailabilityZone);
        Assert.Equal(DefaultWorld.SubnetA, launched.SubnetId);
        Assert.Equal(DefaultWorld.VpcId, launched.VpcId);
        Assert.StartsWith("10.0.1.", launched.PrivateIpAddress, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(response.ResponseMetadata.RequestId));

        var running = await world.WaitForInstanceStateAsync(launched.InstanceId, InstanceStateName.Running);
        Assert.Equal(16, running.State.Code);
        var eni = Assert.Single(running.NetworkInterfaces);
        Assert.Matches(IdPattern("eni"), eni.NetworkInterfaceId);
        Assert.Matches(IdPattern("eni-attach"), eni.Attachment.AttachmentId);
        Assert.Equal(0, eni.Attachment.DeviceIndex);
        Assert.True(eni.Attachment.DeleteOnTermination);
        Assert.Equal(AttachmentStatus.Attached, eni.Attachment.Status);
        Assert.Equal(launched.PrivateIpAddress, eni.PrivateIpAddress);
    }

    [Fact]
    public async Task RunInstances_Always_CreatesRootVolumeFromImage()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var instance = await world.LaunchRunningAsync(spot: false);

        Assert.Null(instance.InstanceLifecycle);
        Assert.Equal(DefaultWorld.RootDeviceName, instance.RootDeviceName);
        var mapping = Assert.Single(instance.BlockDeviceMappings);
        Assert.Equal("/dev/xvda", mapping.DeviceName);
        Assert.True(mapping.Ebs.DeleteOnTermination);
        Assert.Equal(AttachmentStatus.Attached, mapping.Ebs.Status);
        var root = await world.DescribeVolumeAsync(mapping.Ebs.VolumeId);
        Assert.Matches(IdPattern("vol"), root.VolumeId);
        Assert.Equal(8, root.Size);
        Assert.Equal(VolumeType.Gp3, root.VolumeType);
        Assert.Equal(VolumeState.InUse, root.State);
        Assert.Equal(DefaultWorld.ZoneA, root.AvailabilityZone);
        Assert.Equal(instance.InstanceId, Assert.Single(root.Attachments).InstanceId);
    }

    [Fact]
    public async Task RunInstances_BlockDeviceMappings_OverrideRootAndAddDataVolumes()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var instance = await world.LaunchRunningAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetB;
            r.BlockDeviceMappings =
            [
                new BlockDeviceMapping
                {
                    DeviceName = "/dev/xvda",
                    Ebs = new EbsBlockDevice { VolumeSize = 30, VolumeType = VolumeType.Gp3, DeleteOnTermination = false },
                },
                new BlockDeviceMapping
                {
                    DeviceName = "/dev/sdf",
                    Ebs = new EbsBlockDevice { VolumeSize = 100, VolumeType = VolumeType.Io2, Iops = 4000, DeleteOnTermination = false },
                },
                new BlockDeviceMapping
                {
                    DeviceName = "/dev/sdg",
                    Ebs = new EbsBlockDevice { SnapshotId = "snap-0123456789abcdef0", VolumeSize = 20 },
                },
            ];
        });

        var volumes = (await world.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest
        {
            Filters = [new Filter("attachment.instance-id", [instance.InstanceId])],
        })).Volumes.ToDictionary(v => v.Attachments[0].Device);
        Assert.Equal(3, volumes.Count);
        Assert.Equal(30, volumes["/dev/xvda"].Size);
        Assert.False(volumes["/dev/xvda"].Attachments[0].DeleteOnTermination);
        Assert.Equal(100, volumes["/dev/sdf"].Size);
        Assert.Equal(VolumeType.Io2, volumes["/dev/sdf"].VolumeType);
        Assert.Equal(4000, volumes["/dev/sdf"].Iops);
        Assert.Equal("snap-0123456789abcdef0", volumes["/dev/sdg"].SnapshotId);
        Assert.True(volumes["/dev/sdg"].Attachments[0].DeleteOnTermination);
        Assert.All(volumes.Values, v => Assert.Equal(DefaultWorld.ZoneB, v.AvailabilityZone));
        Assert.Equal(["/dev/xvda", "/dev/sdf", "/dev/sdg"], instance.BlockDeviceMappings.Select(m => m.DeviceName));
    }

    [Fact]
    public async Task RunInstances_RootSmallerThanImage_ReturnsInvalidBlockDeviceMapping()
    {
        await using var world = await EmulatorHarness.StartAsync();

        await Ec2Assert.FailsAsync("InvalidBlockDeviceMapping", () => world.LaunchAsync(configure: r =>
            r.BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/xvda", Ebs = new EbsBlockDevice { VolumeSize = 4 } }]));
    }

    [Fact]
    public async Task RunInstances_TagSpecifications_TagInstanceVolumesAndInterface()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var instance = await world.LaunchRunningAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.TagSpecifications =
            [
                new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("Name", "web-1"), new Tag("managed-by", "statefulspot")] },
                new TagSpecification { ResourceType = ResourceType.Volume, Tags = [new Tag("Name", "web-1-root")] },
                new TagSpecification { ResourceType = ResourceType.NetworkInterface, Tags = [new Tag("Name", "web-1-eth0"), new Tag("empty", "")] },
            ];
        });

        Assert.Equal("web-1", instance.Tags.Single(t => t.Key == "Name").Value);
        Assert.Equal("statefulspot", instance.Tags.Single(t => t.Key == "managed-by").Value);
        var root = await world.DescribeVolumeAsync(instance.BlockDeviceMappings[0].Ebs.VolumeId);
        Assert.Equal("web-1-root", Assert.Single(root.Tags).Value);
        var eni = await world.DescribeInterfaceAsync(instance.NetworkInterfaces[0].NetworkInterfaceId);
        Assert.Equal("web-1-eth0", eni.TagSet.Single(t => t.Key == "Name").Value);
        Assert.Equal("", eni.TagSet.Single(t => t.Key == "empty").Value);
    }

    [Fact]
    public async Task RunInstances_WithExistingInterfaceAtDeviceIndexZero_KeepsItsAddressAndZone()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetB, "10.0.2.50");

        var instance = await world.LaunchRunningAsync(configure: r => r.NetworkInterfaces =
            [new InstanceNetworkInterfaceSpecification { NetworkInterfaceId = eni.NetworkInterfaceId, DeviceIndex = 0 }]);

        Assert.Equal("10.0.2.50", instance.PrivateIpAddress);
        Assert.Equal(DefaultWorld.ZoneB, instance.Placement.AvailabilityZone);
        Assert.Equal(DefaultWorld.SubnetB, instance.SubnetId);
        var attached = Assert.Single(instance.NetworkInterfaces);
        Assert.Equal(eni.NetworkInterfaceId, attached.NetworkInterfaceId);
        Assert.False(attached.Attachment.DeleteOnTermination);
        var described = await world.DescribeInterfaceAsync(eni.NetworkInterfaceId);
        Assert.Equal(NetworkInterfaceStatus.InUse, described.Status);
        Assert.Equal(instance.InstanceId, described.Attachment.InstanceId);
        var root = await world.DescribeVolumeAsync(instance.BlockDeviceMappings[0].Ebs.VolumeId);
        Assert.Equal(DefaultWorld.ZoneB, root.AvailabilityZone);
    }

    [Fact]
    public async Task RunInstances_WithInterfaceAndSubnet_ReturnsInvalidParameterCombination()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);

        await Ec2Assert.FailsAsync("InvalidParameterCombination", () => world.LaunchAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.NetworkInterfaces = [new InstanceNetworkInterfaceSpecification { NetworkInterfaceId = eni.NetworkInterfaceId, DeviceIndex = 0 }];
        }));
    }

    [Fact]
    public async Task RunInstances_WithInterfaceAttachedElsewhere_ReturnsInterfaceInUse()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);
        void UseEni(RunInstancesRequest r) =>
            r.NetworkInterfaces = [new InstanceNetworkInterfaceSpecification { NetworkInterfaceId = eni.NetworkInterfaceId, DeviceIndex = 0 }];
        await world.LaunchAsync(configure: UseEni);

        var error = await Ec2Assert.FailsAsync("InvalidNetworkInterface.InUse", () => world.LaunchAsync(configure: UseEni));
        Assert.Equal($"Interface: [{eni.NetworkInterfaceId}] in use.", error.Message);
    }

    [Fact]
    public async Task RunInstances_WithInterfaceStillPending_ReturnsInterfaceInUse()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.NetworkInterfacePendingDuration = TimeSpan.FromSeconds(1000));
        var eni = (await world.Ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest { SubnetId = DefaultWorld.SubnetA })).NetworkInterface;

        await Ec2Assert.FailsAsync("InvalidNetworkInterface.InUse", () => world.LaunchAsync(configure: r => r.NetworkInterfaces =
            [new InstanceNetworkInterfaceSpecification { NetworkInterfaceId = eni.NetworkInterfaceId, DeviceIndex = 0 }]));
    }

    [Fact]
    public async Task RunInstances_WithInterfaceOfShuttingDownInstance_IsInUseUntilTerminated()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.InstanceShuttingDownDuration = TimeSpan.FromSeconds(150));
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA, "10.0.1.77");
        void UseEni(RunInstancesRequest r) =>
            r.NetworkInterfaces = [new InstanceNetworkInterfaceSpecification { NetworkInterfaceId = eni.NetworkInterfaceId, DeviceIndex = 0 }];
        var first = await world.LaunchRunningAsync(configure: UseEni);

        await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [first.InstanceId] });
        await Ec2Assert.FailsAsync("InvalidNetworkInterface.InUse", () => world.LaunchAsync(configure: UseEni));
        Assert.Equal(NetworkInterfaceStatus.InUse, (await world.DescribeInterfaceAsync(eni.NetworkInterfaceId)).Status);

        await world.WaitForInstanceStateAsync(first.InstanceId, InstanceStateName.Terminated);
        var released = await world.DescribeInterfaceAsync(eni.NetworkInterfaceId);
        Assert.Equal(NetworkInterfaceStatus.Available, released.Status);
        Assert.Null(released.Attachment);
        var second = await world.LaunchAsync(configure: UseEni);
        Assert.Equal("10.0.1.77", second.PrivateIpAddress);
    }

    [Fact]
    public async Task RunInstances_PlacementZoneOtherThanSubnets_ReturnsInvalidParameterValue()
    {
        await using var world = await EmulatorHarness.StartAsync();

        await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.LaunchAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.Placement = new Placement { AvailabilityZone = DefaultWorld.ZoneB };
        }));
    }

    [Fact]
    public async Task RunInstances_PlacementZoneOtherThanInterfaces_ReturnsInvalidParameterValue()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetC);

        await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.LaunchAsync(configure: r =>
        {
            r.Placement = new Placement { AvailabilityZone = DefaultWorld.ZoneA };
            r.NetworkInterfaces = [new InstanceNetworkInterfaceSpecification { NetworkInterfaceId = eni.NetworkInterfaceId, DeviceIndex = 0 }];
        }));
    }

    [Fact]
    public async Task RunInstances_PlacementZoneOnly_LaunchesIntoThatZonesDefaultSubnet()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var instance = await world.LaunchAsync(configure: r => r.Placement = new Placement { AvailabilityZone = DefaultWorld.ZoneC });

        Assert.Equal(DefaultWorld.SubnetC, instance.SubnetId);
        Assert.StartsWith("10.0.3.", instance.PrivateIpAddress, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunInstances_UnknownInstanceType_ReturnsInvalidParameterValue()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var error = await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.LaunchAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.InstanceType = "x9.huge";
        }));
        Assert.Equal("Invalid value 'x9.huge' for InstanceType.", error.Message);
    }

    [Fact]
    public async Task RunInstances_UnknownImage_ReturnsInvalidAmiIdNotFound()
    {
        await using var world = await EmulatorHarness.StartAsync();

        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => world.LaunchAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.ImageId = "ami-0fffffffffffffff0";
        }));
    }

    [Fact]
    public async Task RunInstances_UnknownSubnet_ReturnsInvalidSubnetIdNotFound()
    {
        await using var world = await EmulatorHarness.StartAsync();

        await Ec2Assert.FailsAsync("InvalidSubnetID.NotFound", () => world.LaunchAsync(configure: r => r.SubnetId = "subnet-0ffffffffffffff00"));
    }

    [Fact]
    public async Task RunInstances_SameClientTokenAndParameters_ReturnsTheOriginalInstance()
    {
        await using var world = await EmulatorHarness.StartAsync();
        void Request(RunInstancesRequest r)
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.ClientToken = "smi-1234abcd/gen-1/launch";
        }

        var first = await world.LaunchAsync(configure: Request);
        var retry = await world.LaunchAsync(configure: Request);

        Assert.Equal(first.InstanceId, retry.InstanceId);
        Assert.Equal("smi-1234abcd/gen-1/launch", retry.ClientToken);
        Assert.Single(world.Emulator.Snapshot().Instances);
    }

    [Fact]
    public async Task RunInstances_SameClientTokenOtherParameters_ReturnsIdempotentParameterMismatch()
    {
        await using var world = await EmulatorHarness.StartAsync();
        await world.LaunchAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.ClientToken = "token-1";
        });

        await Ec2Assert.FailsAsync("IdempotentParameterMismatch", () => world.LaunchAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.InstanceType = InstanceType.C5Large;
            r.ClientToken = "token-1";
        }));
        Assert.Single(world.Emulator.Snapshot().Instances);
    }

    [Fact]
    public async Task RunInstances_WithPrivateIpAddress_UsesIt()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var instance = await world.LaunchAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.PrivateIpAddress = "10.0.1.200";
        });

        Assert.Equal("10.0.1.200", instance.PrivateIpAddress);
    }

    private static Regex IdPattern(string prefix) => new($"^{Regex.Escape(prefix)}-[0-9a-f]{{17}}$");
}
