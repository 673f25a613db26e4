using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class ElasticIpTests
{
    [Fact]
    public async Task AllocateAndAssociate_WithInstance_GivesItAPublicIp_UntilDisassociated()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();

        var allocated = await world.Ec2.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc });
        var associationId = (await world.Ec2.AssociateAddressAsync(new AssociateAddressRequest
        {
            AllocationId = allocated.AllocationId,
            InstanceId = instance.InstanceId,
        })).AssociationId;

        Assert.Matches("^eipalloc-[0-9a-f]{17}$", allocated.AllocationId);
        Assert.Equal(DomainType.Vpc, allocated.Domain);
        Assert.StartsWith("198.51.100.", allocated.PublicIp, StringComparison.Ordinal);
        Assert.Matches("^eipassoc-[0-9a-f]{17}$", associationId);
        var described = await world.DescribeInstanceAsync(instance.InstanceId);
        Assert.Equal(allocated.PublicIp, described.PublicIpAddress);
        Assert.Equal(allocated.PublicIp, described.NetworkInterfaces[0].Association.PublicIp);
        var address = Assert.Single((await world.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest
        {
            Filters = [new Filter("instance-id", [instance.InstanceId])],
        })).Addresses);
        Assert.Equal(associationId, address.AssociationId);
        Assert.Equal(instance.PrivateIpAddress, address.PrivateIpAddress);
        Assert.Equal(instance.NetworkInterfaces[0].NetworkInterfaceId, address.NetworkInterfaceId);

        await world.Ec2.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = associationId });
        Assert.Null((await world.DescribeInstanceAsync(instance.InstanceId)).PublicIpAddress);
        await world.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = allocated.AllocationId });
        Assert.Empty(world.Emulator.Snapshot().Addresses);
    }

    [Fact]
    public async Task AssociateAddress_AlreadyAssociated_NeedsAllowReassociation()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var first = await world.LaunchRunningAsync();
        var second = await world.LaunchRunningAsync();
        var allocationId = (await world.Ec2.AllocateAddressAsync(new AllocateAddressRequest())).AllocationId;
        var associationId = (await world.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = allocationId, InstanceId = first.InstanceId })).AssociationId;

        var again = await world.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = allocationId, InstanceId = first.InstanceId });
        var error = await Ec2Assert.FailsAsync("Resource.AlreadyAssociated", () =>
            world.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = allocationId, InstanceId = second.InstanceId }));
        await world.Ec2.AssociateAddressAsync(new AssociateAddressRequest
        {
            AllocationId = allocationId,
            InstanceId = second.InstanceId,
            AllowReassociation = true,
        });

        Assert.Equal(associationId, again.AssociationId);
        Assert.Contains(associationId, error.Message, StringComparison.Ordinal);
        Assert.Null((await world.DescribeInstanceAsync(first.InstanceId)).PublicIpAddress);
        Assert.NotNull((await world.DescribeInstanceAsync(second.InstanceId)).PublicIpAddress);
    }

    [Fact]
    public async Task AssociateAddress_PendingInstance_ReturnsInvalidInstanceId()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.InstancePendingDuration = TimeSpan.FromSeconds(1000));
        var pending = await world.LaunchAsync();
        var allocationId = (await world.Ec2.AllocateAddressAsync(new AllocateAddressRequest())).AllocationId;

        var error = await Ec2Assert.FailsAsync("InvalidInstanceID", () =>
            world.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = allocationId, InstanceId = pending.InstanceId }));

        Assert.Equal($"The pending instance '{pending.InstanceId}' is not in a valid state for this operation.", error.Message);
    }

    [Fact]
    public async Task ElasticIp_OnAnInterfaceThatSurvivesItsInstance_FollowsTheInterfaceToTheReplacement()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);
        void AtIndexZero(RunInstancesRequest r) =>
            r.NetworkInterfaces = [new InstanceNetworkInterfaceSpecification { NetworkInterfaceId = eni.NetworkInterfaceId, DeviceIndex = 0 }];
        var first = await world.LaunchRunningAsync(configure: AtIndexZero);
        var allocated = await world.Ec2.AllocateAddressAsync(new AllocateAddressRequest());
        await world.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = allocated.AllocationId, InstanceId = first.InstanceId });

        await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [first.InstanceId] });
        await world.WaitForInstanceStateAsync(first.InstanceId, InstanceStateName.Terminated);
        var replacement = await world.LaunchRunningAsync(configure: AtIndexZero);

        Assert.Equal(allocated.PublicIp, replacement.PublicIpAddress);
        Assert.Equal(replacement.InstanceId, world.Emulator.Snapshot().Addresses.Single().InstanceId);
    }

    [Fact]
    public async Task ElasticIps_LimitUnknownIdsAndReleaseInUse_ReturnAwsErrors()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var allocations = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            allocations.Add((await world.Ec2.AllocateAddressAsync(new AllocateAddressRequest())).AllocationId);
        }

        await Ec2Assert.FailsAsync("AddressLimitExceeded", () => world.Ec2.AllocateAddressAsync(new AllocateAddressRequest()));
        await Ec2Assert.FailsAsync("InvalidAllocationID.NotFound", () =>
            world.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = "eipalloc-0000000000000000f", InstanceId = instance.InstanceId }));
        await Ec2Assert.FailsAsync("InvalidAssociationID.NotFound", () =>
            world.Ec2.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = "eipassoc-0000000000000000f" }));
        await world.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = allocations[0], InstanceId = instance.InstanceId });
        await Ec2Assert.FailsAsync("InvalidIPAddress.InUse", () =>
            world.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = allocations[0] }));
        await Ec2Assert.FailsAsync("InvalidParameterCombination", () => world.Ec2.AssociateAddressAsync(new AssociateAddressRequest
        {
            AllocationId = allocations[1],
            InstanceId = instance.InstanceId,
            NetworkInterfaceId = instance.NetworkInterfaces[0].NetworkInterfaceId,
        }));
    }
}
