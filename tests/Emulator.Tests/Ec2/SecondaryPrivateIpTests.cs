using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

/// <summary>Secondary private IPv4 addresses: AssignPrivateIpAddresses / UnassignPrivateIpAddresses and what the Describe calls show of them.</summary>
public sealed class SecondaryPrivateIpTests
{
    [Fact]
    public async Task AssignPrivateIpAddresses_ByAddress_IsASecondaryInBothDescribesAndTheirFilters()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var eniId = instance.NetworkInterfaces[0].NetworkInterfaceId;

        var response = await world.Ec2.AssignPrivateIpAddressesAsync(Assign(eniId, "10.0.1.50"));

        Assert.Equal(eniId, response.NetworkInterfaceId);
        Assert.Equal(["10.0.1.50"], response.AssignedPrivateIpAddresses.Select(a => a.PrivateIpAddress));
        var eni = await world.DescribeInterfaceAsync(eniId);
        Assert.Equal(instance.PrivateIpAddress, eni.PrivateIpAddress);
        Assert.Equal([$"{instance.PrivateIpAddress} primary", "10.0.1.50"], Addresses(eni));
        Assert.Equal("ip-10-0-1-50.ec2.internal", eni.PrivateIpAddresses[1].PrivateDnsName);
        var described = await world.DescribeInstanceAsync(instance.InstanceId);
        Assert.Equal(instance.PrivateIpAddress, described.PrivateIpAddress);
        Assert.Equal([$"{instance.PrivateIpAddress} primary", "10.0.1.50"],
            described.NetworkInterfaces[0].PrivateIpAddresses.Select(a => a.Primary == true ? $"{a.PrivateIpAddress} primary" : a.PrivateIpAddress));

        Assert.Equal([eniId], await InterfaceIdsAsync(world, new Filter("addresses.private-ip-address", ["10.0.1.50"])));
        Assert.Equal([eniId], await InterfaceIdsAsync(world, new Filter("private-ip-address", ["10.0.1.50"])));
        Assert.Equal([instance.InstanceId], await InstanceIdsAsync(world, new Filter("network-interface.addresses.private-ip-address", ["10.0.1.50"])));
        Assert.Empty(await InstanceIdsAsync(world, new Filter("private-ip-address", ["10.0.1.50"])));
        Assert.Equal(["10.0.1.50"], world.Emulator.Snapshot().NetworkInterfaces.Single(n => n.NetworkInterfaceId == eniId).SecondaryPrivateIpAddresses);
    }

    [Fact]
    public async Task AssignPrivateIpAddresses_ByCount_TakesTheLowestFreeAddresses_WhichTheSubnetCounts()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetB);

        var response = await world.Ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId,
            SecondaryPrivateIpAddressCount = 2,
        });

        Assert.Equal("10.0.2.4", eni.PrivateIpAddress);
        Assert.Equal(["10.0.2.5", "10.0.2.6"], response.AssignedPrivateIpAddresses.Select(a => a.PrivateIpAddress));
        var subnet = Assert.Single((await world.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [DefaultWorld.SubnetB] })).Subnets);
        Assert.Equal(251 - 3, subnet.AvailableIpAddressCount);
        var next = await world.Ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest { SubnetId = DefaultWorld.SubnetB });
        Assert.Equal("10.0.2.7", next.NetworkInterface.PrivateIpAddress);
        await Ec2Assert.FailsAsync("InvalidIPAddress.InUse", () => world.Ec2.CreateNetworkInterfaceAsync(
            new CreateNetworkInterfaceRequest { SubnetId = DefaultWorld.SubnetB, PrivateIpAddress = "10.0.2.6" }));
    }

    [Fact]
    public async Task AssignPrivateIpAddresses_HeldByAnotherInstancesInterface_MovesOnlyWithAllowReassignment()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var old = await world.LaunchRunningAsync();
        var replacement = await world.LaunchRunningAsync();
        var oldEni = old.NetworkInterfaces[0].NetworkInterfaceId;
        var newEni = replacement.NetworkInterfaces[0].NetworkInterfaceId;
        await world.Ec2.AssignPrivateIpAddressesAsync(Assign(oldEni, "10.0.1.100"));

        var refused = await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.AssignPrivateIpAddressesAsync(Assign(newEni, "10.0.1.100")));
        Assert.Equal("[10.0.1.100] assigned, but move is not allowed.", refused.Message);
        Assert.Equal([$"{old.PrivateIpAddress} primary", "10.0.1.100"], Addresses(await world.DescribeInterfaceAsync(oldEni)));

        var moved = await world.Ec2.AssignPrivateIpAddressesAsync(Reassign(newEni, "10.0.1.100"));

        Assert.Equal(["10.0.1.100"], moved.AssignedPrivateIpAddresses.Select(a => a.PrivateIpAddress));
        Assert.Equal([$"{old.PrivateIpAddress} primary"], Addresses(await world.DescribeInterfaceAsync(oldEni)));
        Assert.Equal([replacement.InstanceId], await InstanceIdsAsync(world, new Filter("network-interface.addresses.private-ip-address", ["10.0.1.100"])));
        await world.Ec2.AssignPrivateIpAddressesAsync(Reassign(newEni, "10.0.1.100"));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.AssignPrivateIpAddressesAsync(Assign(newEni, "10.0.1.100")));
        Assert.Equal([$"{replacement.PrivateIpAddress} primary", "10.0.1.100"], Addresses(await world.DescribeInterfaceAsync(newEni)));
    }

    [Fact]
    public async Task AssignPrivateIpAddresses_AnotherInterfacesPrimary_IsNeverMoved()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var other = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);
        var eniId = instance.NetworkInterfaces[0].NetworkInterfaceId;

        var refused = await Ec2Assert.FailsAsync("InvalidParameterValue", () =>
            world.Ec2.AssignPrivateIpAddressesAsync(Reassign(eniId, other.PrivateIpAddress)));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.AssignPrivateIpAddressesAsync(Assign(eniId, other.PrivateIpAddress)));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () =>
            world.Ec2.AssignPrivateIpAddressesAsync(Reassign(eniId, instance.PrivateIpAddress)));

        Assert.Equal(
            $"Address {other.PrivateIpAddress} is the primary private IP address of network interface {other.NetworkInterfaceId} and cannot be reassigned.",
            refused.Message);
        Assert.Equal([$"{other.PrivateIpAddress} primary"], Addresses(await world.DescribeInterfaceAsync(other.NetworkInterfaceId)));
        Assert.Equal([$"{instance.PrivateIpAddress} primary"], Addresses(await world.DescribeInterfaceAsync(eniId)));
    }

    [Theory]
    [InlineData("10.0.2.10")]
    [InlineData("10.0.1.0")]
    [InlineData("10.0.1.3")]
    [InlineData("10.0.1.255")]
    [InlineData("not-an-ip")]
    public async Task AssignPrivateIpAddresses_OutsideTheSubnetOrReserved_ReturnsInvalidParameterValue(string address)
    {
        await using var world = await EmulatorHarness.StartAsync();
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);

        await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.AssignPrivateIpAddressesAsync(Assign(eni.NetworkInterfaceId, "10.0.1.60", address)));

        Assert.Equal([$"{eni.PrivateIpAddress} primary"], Addresses(await world.DescribeInterfaceAsync(eni.NetworkInterfaceId)));
    }

    [Fact]
    public async Task AssignPrivateIpAddresses_BeyondTheInstanceTypesAddressesPerInterface_ReturnsPrivateIpAddressLimitExceeded()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var small = await world.LaunchRunningAsync(configure: r =>
        {
            r.SubnetId = DefaultWorld.SubnetA;
            r.InstanceType = InstanceType.T3Medium;
        });
        var large = await world.LaunchRunningAsync();
        var free = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);
        var smallEni = small.NetworkInterfaces[0].NetworkInterfaceId;

        await world.Ec2.AssignPrivateIpAddressesAsync(Count(smallEni, 5));
        var error = await Ec2Assert.FailsAsync("PrivateIpAddressLimitExceeded", () => world.Ec2.AssignPrivateIpAddressesAsync(Assign(smallEni, "10.0.1.200")));
        await Ec2Assert.FailsAsync("PrivateIpAddressLimitExceeded", () =>
            world.Ec2.AssignPrivateIpAddressesAsync(Count(large.NetworkInterfaces[0].NetworkInterfaceId, 10)));
        await world.Ec2.AssignPrivateIpAddressesAsync(Count(large.NetworkInterfaces[0].NetworkInterfaceId, 9));
        await world.Ec2.AssignPrivateIpAddressesAsync(Count(free.NetworkInterfaceId, 20));

        Assert.Equal($"{smallEni}: Number of private addresses will exceed limit.", error.Message);
        Assert.Equal(6, Addresses(await world.DescribeInterfaceAsync(smallEni)).Count);
        Assert.Equal(10, Addresses(await world.DescribeInterfaceAsync(large.NetworkInterfaces[0].NetworkInterfaceId)).Count);
        Assert.Equal(21, Addresses(await world.DescribeInterfaceAsync(free.NetworkInterfaceId)).Count);
    }

    [Fact]
    public async Task AssignPrivateIpAddresses_ParameterErrors()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);
        var id = eni.NetworkInterfaceId;

        await Ec2Assert.FailsAsync("InvalidParameterCombination", () => world.Ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = id,
            PrivateIpAddresses = ["10.0.1.60"],
            SecondaryPrivateIpAddressCount = 1,
        }));
        await Ec2Assert.FailsAsync("MissingParameter", () => world.Ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest { NetworkInterfaceId = id }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.AssignPrivateIpAddressesAsync(Count(id, 0)));
        await Ec2Assert.FailsAsync("UnsupportedOperation", () =>
            world.Ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest { NetworkInterfaceId = id, Ipv4PrefixCount = 1 }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => world.Ec2.AssignPrivateIpAddressesAsync(Count("eni-0000000000000000f", 1)));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () =>
            world.Ec2.UnassignPrivateIpAddressesAsync(new UnassignPrivateIpAddressesRequest { NetworkInterfaceId = "eni-0000000000000000f", PrivateIpAddresses = ["10.0.1.60"] }));

        Assert.Equal([$"{eni.PrivateIpAddress} primary"], Addresses(await world.DescribeInterfaceAsync(id)));
    }

    [Fact]
    public async Task UnassignPrivateIpAddresses_FreesSecondaries_ButNeverThePrimaryOrAnAddressTheInterfaceLacks()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var other = await world.LaunchRunningAsync();
        var eniId = instance.NetworkInterfaces[0].NetworkInterfaceId;
        await world.Ec2.AssignPrivateIpAddressesAsync(Assign(eniId, "10.0.1.60", "10.0.1.61"));

        var primary = await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.UnassignPrivateIpAddressesAsync(Unassign(eniId, instance.PrivateIpAddress)));
        var unknown = await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.UnassignPrivateIpAddressesAsync(Unassign(eniId, "10.0.1.60", "10.0.1.62")));
        Assert.Equal([$"{instance.PrivateIpAddress} primary", "10.0.1.60", "10.0.1.61"], Addresses(await world.DescribeInterfaceAsync(eniId)));

        var response = await world.Ec2.UnassignPrivateIpAddressesAsync(Unassign(eniId, "10.0.1.60"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.HttpStatusCode);
        Assert.Equal($"Value ({instance.PrivateIpAddress}) for parameter privateIpAddress is invalid. The primary IP address of an interface cannot be unassigned.", primary.Message);
        Assert.Equal($"Some of the specified addresses are not assigned to interface {eniId}", unknown.Message);
        Assert.Equal([$"{instance.PrivateIpAddress} primary", "10.0.1.61"], Addresses(await world.DescribeInterfaceAsync(eniId)));
        await world.Ec2.AssignPrivateIpAddressesAsync(Assign(other.NetworkInterfaces[0].NetworkInterfaceId, "10.0.1.60"));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.UnassignPrivateIpAddressesAsync(Unassign(eniId, "10.0.1.60")));
    }

    [Fact]
    public async Task Secondaries_AreFreedWithADeletedInterface_AndWithTheLaunchInterfaceOfATerminatedInstance_ButStayOnAKeptOne()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var free = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);
        var kept = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);
        var launched = await world.LaunchRunningAsync();
        var onKept = await world.LaunchRunningAsync(configure: r => r.NetworkInterfaces =
            [new InstanceNetworkInterfaceSpecification { NetworkInterfaceId = kept.NetworkInterfaceId, DeviceIndex = 0 }]);
        await world.Ec2.AssignPrivateIpAddressesAsync(Assign(free.NetworkInterfaceId, "10.0.1.70"));
        await world.Ec2.AssignPrivateIpAddressesAsync(Assign(launched.NetworkInterfaces[0].NetworkInterfaceId, "10.0.1.71"));
        await world.Ec2.AssignPrivateIpAddressesAsync(Assign(kept.NetworkInterfaceId, "10.0.1.72"));

        await world.Ec2.DeleteNetworkInterfaceAsync(new DeleteNetworkInterfaceRequest { NetworkInterfaceId = free.NetworkInterfaceId });
        await world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [launched.InstanceId, onKept.InstanceId] });
        await world.WaitForInstanceStateAsync(launched.InstanceId, InstanceStateName.Terminated);
        await world.WaitForInstanceStateAsync(onKept.InstanceId, InstanceStateName.Terminated);

        Assert.Equal("10.0.1.70", (await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA, "10.0.1.70")).PrivateIpAddress);
        Assert.Equal("10.0.1.71", (await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA, "10.0.1.71")).PrivateIpAddress);
        var released = await world.WaitForInterfaceStatusAsync(kept.NetworkInterfaceId, NetworkInterfaceStatus.Available);
        Assert.Equal([$"{kept.PrivateIpAddress} primary", "10.0.1.72"], Addresses(released));
        await Ec2Assert.FailsAsync("InvalidIPAddress.InUse", () => world.Ec2.CreateNetworkInterfaceAsync(
            new CreateNetworkInterfaceRequest { SubnetId = DefaultWorld.SubnetA, PrivateIpAddress = "10.0.1.72" }));
    }

    [Fact]
    public async Task AssociateAddress_WithASecondaryAddress_IsUnsupported()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var eni = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);
        await world.Ec2.AssignPrivateIpAddressesAsync(Assign(eni.NetworkInterfaceId, "10.0.1.80"));
        var allocationId = (await world.Ec2.AllocateAddressAsync(new AllocateAddressRequest())).AllocationId;

        await Ec2Assert.FailsAsync("UnsupportedOperation", () => world.Ec2.AssociateAddressAsync(new AssociateAddressRequest
        {
            AllocationId = allocationId,
            NetworkInterfaceId = eni.NetworkInterfaceId,
            PrivateIpAddress = "10.0.1.80",
        }));
    }

    private static AssignPrivateIpAddressesRequest Reassign(string eniId, string address) =>
        new() { NetworkInterfaceId = eniId, PrivateIpAddresses = [address], AllowReassignment = true };

    private static AssignPrivateIpAddressesRequest Assign(string eniId, params string[] addresses) =>
        new() { NetworkInterfaceId = eniId, PrivateIpAddresses = [.. addresses] };

    private static AssignPrivateIpAddressesRequest Count(string eniId, int count) =>
        new() { NetworkInterfaceId = eniId, SecondaryPrivateIpAddressCount = count };

    private static UnassignPrivateIpAddressesRequest Unassign(string eniId, params string[] addresses) =>
        new() { NetworkInterfaceId = eniId, PrivateIpAddresses = [.. addresses] };

    /// <summary>The interface's addresses in order, the primary marked.</summary>
    private static List<string> Addresses(NetworkInterface eni) =>
        (eni.PrivateIpAddresses ?? []).Select(a => a.Primary == true ? $"{a.PrivateIpAddress} primary" : a.PrivateIpAddress).ToList();

    private static async Task<List<string>> InterfaceIdsAsync(EmulatorHarness world, params Filter[] filters) =>
        ((await world.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { Filters = [.. filters] })).NetworkInterfaces ?? [])
            .Select(n => n.NetworkInterfaceId).ToList();

    private static async Task<List<string>> InstanceIdsAsync(EmulatorHarness world, params Filter[] filters) =>
        ((await world.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [.. filters] })).Reservations ?? [])
            .SelectMany(r => r.Instances ?? []).Select(i => i.InstanceId).ToList();
}
