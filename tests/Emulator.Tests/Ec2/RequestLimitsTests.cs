using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

/// <summary>The emulator refuses what EC2 refuses (tag limits, user data size, unknown security groups), and creates nothing.</summary>
public sealed class RequestLimitsTests
{
    private static RunInstancesRequest Launch() => new()
    {
        ImageId = DefaultWorld.ImageId,
        InstanceType = "m5.large",
        MinCount = 1,
        MaxCount = 1,
        SubnetId = DefaultWorld.SubnetA,
    };

    private static TagSpecification InstanceTags(IEnumerable<Tag> tags) => new() { ResourceType = ResourceType.Instance, Tags = [.. tags] };

    [Fact]
    public async Task MoreThan50Tags_IsTagLimitExceeded_And50AreFine()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var request = Launch();
        request.TagSpecifications = [InstanceTags(Enumerable.Range(0, 51).Select(i => new Tag($"k{i}", "v")))];

        var refused = await Assert.ThrowsAsync<AmazonEC2Exception>(() => world.Ec2.RunInstancesAsync(request));

        Assert.Equal("TagLimitExceeded", refused.ErrorCode);
        request.TagSpecifications = [InstanceTags(Enumerable.Range(0, 50).Select(i => new Tag($"k{i}", new string('v', 256))))];
        Assert.Single((await world.Ec2.RunInstancesAsync(request)).Reservation.Instances);
    }

    [Theory]
    [InlineData(129, 1)]
    [InlineData(1, 257)]
    public async Task OverlongTagKeysAndValues_AreInvalidParameterValue(int keyLength, int valueLength)
    {
        await using var world = await EmulatorHarness.StartAsync();
        var request = Launch();
        request.TagSpecifications = [InstanceTags([new Tag(new string('k', keyLength), new string('v', valueLength))])];

        var refused = await Assert.ThrowsAsync<AmazonEC2Exception>(() => world.Ec2.RunInstancesAsync(request));

        Assert.Equal("InvalidParameterValue", refused.ErrorCode);
        Assert.Contains("maximum length", refused.Message);
    }

    [Fact]
    public async Task UserDataOver16KiBBeforeBase64_OrNotBase64_IsRefused()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var big = Launch();
        big.UserData = Convert.ToBase64String(new byte[1024 * 1024]);
        var text = Launch();
        text.UserData = "#!/bin/sh";

        Assert.Contains("16384", (await Assert.ThrowsAsync<AmazonEC2Exception>(() => world.Ec2.RunInstancesAsync(big))).Message);
        Assert.Contains("BASE64", (await Assert.ThrowsAsync<AmazonEC2Exception>(() => world.Ec2.RunInstancesAsync(text))).Message);
        var fits = Launch();
        fits.UserData = Convert.ToBase64String(new byte[16 * 1024]);
        Assert.Single((await world.Ec2.RunInstancesAsync(fits)).Reservation.Instances);
    }

    [Fact]
    public async Task ASecurityGroupTheVpcDoesNotHave_IsInvalidGroupNotFound_ForALaunchAndAnInterface()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var request = Launch();
        request.SecurityGroupIds = ["sg-00000000000000bad"];

        var launch = await Assert.ThrowsAsync<AmazonEC2Exception>(() => world.Ec2.RunInstancesAsync(request));
        var eni = await Assert.ThrowsAsync<AmazonEC2Exception>(() => world.Ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest
        {
            SubnetId = DefaultWorld.SubnetA,
            Groups = ["sg-00000000000000bad"],
        }));

        Assert.Equal("InvalidGroup.NotFound", launch.ErrorCode);
        Assert.Equal("InvalidGroup.NotFound", eni.ErrorCode);
        Assert.Contains("sg-00000000000000bad", eni.Message);
        Assert.Empty((await world.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest())).NetworkInterfaces ?? []);
        request.SecurityGroupIds = [DefaultWorld.SecurityGroupId];
        Assert.Single((await world.Ec2.RunInstancesAsync(request)).Reservation.Instances);
    }

    [Fact]
    public async Task DescribeSecurityGroups_ListsTheVpcsGroups_AndAnUnknownIdIsInvalidGroupNotFound()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var group = Assert.Single((await world.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [DefaultWorld.SecurityGroupId] })).SecurityGroups);
        var unknown = await Assert.ThrowsAsync<AmazonEC2Exception>(() =>
            world.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [DefaultWorld.SecurityGroupId, "sg-00000000000000bad"] }));

        Assert.Equal(DefaultWorld.VpcId, group.VpcId);
        Assert.Equal("default", group.GroupName);
        Assert.Equal("InvalidGroup.NotFound", unknown.ErrorCode);
        Assert.Contains("sg-00000000000000bad", unknown.Message);
    }
}
