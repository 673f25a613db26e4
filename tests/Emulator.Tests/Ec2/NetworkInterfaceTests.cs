using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class NetworkInterfaceTests
{
    [Fact]
    public async Task CreateNetworkInterface_AllocatesFirstFreeAddress_AndBecomesAvailable()
    {
        await using var world = await EmulatorHarness.StartAsync(o => o.NetworkInterfacePendingDuration = TimeSpan.FromSeconds(10));

        var response = await world.Ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest
        {
            SubnetId = DefaultWorld.SubnetB,
            Description = "primary of smi-1",
            ClientToken = "eni-token-1",
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.NetworkInterface, Tags = [new Tag("Name", "eth0")] }],
        });

        var eni = response.NetworkInterface;
        Assert.Equal("eni-token-1", response.ClientToken);
        Assert.Matches("^eni-[0-9a-f]{17}$", eni.NetworkInterfaceId);
        Assert.Equal("10.0.2.4", eni.PrivateIpAddress);
        Assert.Equal(DefaultWorld.ZoneB, eni.AvailabilityZone);
        Assert.Equal(DefaultWorld.VpcId, eni.VpcId);
        Assert.Equal("pending", eni.Status.Value);
        Assert.Equal("primary of smi-1", eni.Description);
        Assert.Equal("eth0", Assert.Single(eni.TagSet).Value);
        Assert.Equal(DefaultWorld.SecurityGroupId, Assert.Single(eni.Groups).GroupId);
        await world.WaitForInterfaceStatusAsync(eni.NetworkInterfaceId, NetworkInterfaceStatus.Available);

        var next = (await world.Ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest { SubnetId = DefaultWorld.SubnetB })).NetworkInterface;
        Assert.Equal("10.0.2.5", next.PrivateIpAddress);
    }

    [Theory]
    [InlineData("10.0.1.1")]
    [InlineData("10.0.1.3")]
    [InlineData("10.0.1.255")]
    [InlineData("10.0.2.10")]
    [InlineData("not-an-ip")]
    public async Task CreateNetworkInterface_ReservedOrForeignAddress_ReturnsInvalidParameterValue(string address)
    {
        await using var world = await EmulatorHarness.StartAsync();

        await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.CreateNetworkInterfaceAsync(
            new CreateNetworkInterfaceRequest { SubnetId = DefaultWorld.SubnetA, PrivateIpAddress = address }));
    }

    [Fact]
    public async Task CreateNetworkInterface_AddressTaken_ReturnsAddressInUse()
    {
        await using var world = await EmulatorHarness.StartAsync();
        await world.Ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest { SubnetId = DefaultWorld.SubnetA, PrivateIpAddress = "10.0.1.20" });

        await Ec2Assert.FailsAsync("InvalidIPAddress.InUse", () => world.Ec2.CreateNetworkInterfaceAsync(
            new CreateNetworkInterfaceRequest { SubnetId = DefaultWorld.SubnetA, PrivateIpAddress = "10.0.1.20" }));
        var last = await world.Ec2.CreateNetworkInterfaceAsync(
            new CreateNetworkInterfaceRequest { SubnetId = DefaultWorld.SubnetA, PrivateIpAddress = "10.0.1.254" });
        Assert.Equal("10.0.1.254", last.NetworkInterface.PrivateIpAddress);
    }

    [Fact]
    public async Task CreateNetworkInterface_UnknownSubnet_ReturnsSubnetNotFound()
    {
        await using var world = await EmulatorHarness.StartAsync();

        await Ec2Assert.FailsAsync("InvalidSubnetID.NotFound", () => world.Ec2.CreateNetworkInterfaceAsync(
            new CreateNetworkInterfaceRequest { SubnetId = "subnet-0000000000000000f" }));
    }

    [Fact]
    public async Task CreateNetworkInterface_SameClientToken_ReturnsTheSameInterfaceOrMismatch()
    {
        await using var world = await EmulatorHarness.StartAsync();
        CreateNetworkInterfaceRequest Request(string subnet) => new() { SubnetId = subnet, ClientToken = "smi-1/eth0" };

        var first = (await world.Ec2.CreateNetworkInterfaceAsync(Request(DefaultWorld.SubnetA))).NetworkInterface;
        var retry = (await world.Ec2.CreateNetworkInterfaceAsync(Request(DefaultWorld.SubnetA))).NetworkInterface;

        Assert.Equal(first.NetworkInterfaceId, retry.NetworkInterfaceId);
        Assert.Single(world.Emulator.Snapshot().NetworkInterfaces);
        await Ec2Assert.FailsAsync("IdempotentParameterMismatch", () => world.Ec2.CreateNetworkInterfaceAsync(Request(DefaultWorld.SubnetB)));
    }

    [Fact]
    public async Task DescribeNetworkInterfaces_FiltersAndUnknownIds()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var free = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);
        var instance = await world.LaunchRunningAsync(configure: r => r.SubnetId = DefaultWorld.SubnetC);
        var used = instance.NetworkInterfaces[0].NetworkInterfaceId;

        async Task<List<string>> Ids(params Filter[] filters) =>
            ((await world.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { Filters = [.. filters] })).NetworkInterfaces ?? [])
            .Select(n => n.NetworkInterfaceId).ToList();

        Assert.Equal([free.NetworkInterfaceId], await Ids(new Filter("status", ["available"])));
        Assert.Equal([used], await Ids(new Filter("attachment.instance-id", [instance.InstanceId])));
        Assert.Equal([used], await Ids(new Filter("subnet-id", [DefaultWorld.SubnetC])));
        Assert.Equal([free.NetworkInterfaceId], await Ids(new Filter("private-ip-address", [free.PrivateIpAddress])));
        Assert.Equal([free.NetworkInterfaceId, used], await Ids());
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => world.DescribeInterfaceAsync("eni-0000000000000000f"));
    }

    [Fact]
    public async Task DeleteNetworkInterface_WhenAttached_ReturnsInUse_AndWhenAvailable_Deletes()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var free = await world.CreateAvailableInterfaceAsync(DefaultWorld.SubnetA);

        await Ec2Assert.FailsAsync("InvalidNetworkInterface.InUse", () => world.Ec2.DeleteNetworkInterfaceAsync(
            new DeleteNetworkInterfaceRequest { NetworkInterfaceId = instance.NetworkInterfaces[0].NetworkInterfaceId }));

        await world.Ec2.DeleteNetworkInterfaceAsync(new DeleteNetworkInterfaceRequest { NetworkInterfaceId = free.NetworkInterfaceId });
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => world.DescribeInterfaceAsync(free.NetworkInterfaceId));
    }
}
