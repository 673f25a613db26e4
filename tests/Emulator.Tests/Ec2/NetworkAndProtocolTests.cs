using System.Net;
using System.Xml.Linq;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class NetworkAndProtocolTests
{
    [Fact]
    public async Task DescribeSubnets_ReturnsTheThreeFixedDefaultSubnets()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var subnets = (await world.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets;

        Assert.Equal(
            [(DefaultWorld.SubnetA, "10.0.1.0/24", DefaultWorld.ZoneA), (DefaultWorld.SubnetB, "10.0.2.0/24", DefaultWorld.ZoneB), (DefaultWorld.SubnetC, "10.0.3.0/24", DefaultWorld.ZoneC)],
            subnets.Select(s => (s.SubnetId, s.CidrBlock, s.AvailabilityZone)));
        Assert.All(subnets, s => Assert.Equal(DefaultWorld.VpcId, s.VpcId));
        Assert.All(subnets, s => Assert.Equal(251, s.AvailableIpAddressCount));
        Assert.Equal(["use1-az1", "use1-az2", "use1-az3"], subnets.Select(s => s.AvailabilityZoneId));
    }

    [Fact]
    public async Task DescribeSubnets_ByIdAndFilter_AndUnknownId_ReturnsNotFound()
    {
        await using var world = await EmulatorHarness.StartAsync();
        await world.LaunchAsync(configure: r => r.SubnetId = DefaultWorld.SubnetB);

        var byId = Assert.Single((await world.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [DefaultWorld.SubnetB] })).Subnets);
        Assert.Equal(250, byId.AvailableIpAddressCount);
        var byZone = Assert.Single((await world.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest
        {
            Filters = [new Filter("availability-zone", [DefaultWorld.ZoneC])],
        })).Subnets);
        Assert.Equal(DefaultWorld.SubnetC, byZone.SubnetId);
        await Ec2Assert.FailsAsync("InvalidSubnetID.NotFound", () =>
            world.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = ["subnet-0000000000000000f"] }));
    }

    [Fact]
    public async Task DescribeAvailabilityZones_ReturnsThreeZonesWithZoneIds()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var zones = (await world.Ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest())).AvailabilityZones;

        Assert.Equal([DefaultWorld.ZoneA, DefaultWorld.ZoneB, DefaultWorld.ZoneC], zones.Select(z => z.ZoneName));
        Assert.Equal(["use1-az1", "use1-az2", "use1-az3"], zones.Select(z => z.ZoneId));
        Assert.All(zones, z => Assert.Equal("us-east-1", z.RegionName));
        Assert.All(zones, z => Assert.Equal("available", z.State.Value));
        var one = await world.Ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { ZoneNames = [DefaultWorld.ZoneB] });
        Assert.Equal("use1-az2", Assert.Single(one.AvailabilityZones).ZoneId);
    }

    [Fact]
    public async Task Ec2Query_UnknownAction_ReturnsInvalidActionEnvelope()
    {
        await using var world = await EmulatorHarness.StartAsync();
        using var http = new HttpClient();

        using var response = await http.PostAsync(world.Emulator.ServiceUrl, new FormUrlEncodedContent(
            [new("Action", "LaunchRockets"), new("Version", "2016-11-15")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Response", xml.Root!.Name.LocalName);
        Assert.Equal("InvalidAction", xml.Root.Element("Errors")!.Element("Error")!.Element("Code")!.Value);
        var requestId = xml.Root.Element("RequestID")!.Value;
        Assert.Equal(requestId, Assert.Single(response.Headers.GetValues("x-amzn-RequestId")));
    }

    [Fact]
    public async Task Ec2Query_Response_IsNamespacedXmlWithRequestIdHeaderAndAccurateDate()
    {
        await using var world = await EmulatorHarness.StartAsync();
        using var http = new HttpClient();

        using var response = await http.PostAsync(world.Emulator.ServiceUrl, new FormUrlEncodedContent(
            [new("Action", "DescribeAvailabilityZones"), new("Version", "2016-11-15")]));

        response.EnsureSuccessStatusCode();
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        XNamespace ns = "http://ec2.amazonaws.com/doc/2016-11-15/";
        Assert.Equal(ns + "DescribeAvailabilityZonesResponse", xml.Root!.Name);
        Assert.Equal(xml.Root.Element(ns + "requestId")!.Value, Assert.Single(response.Headers.GetValues("x-amzn-RequestId")));
        var date = Assert.NotNull(response.Headers.Date);
        Assert.InRange(date, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Ec2Query_DryRun_ReturnsDryRunOperation412()
    {
        await using var world = await EmulatorHarness.StartAsync();

        await Ec2Assert.FailsAsync("DryRunOperation", () => world.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = DefaultWorld.ImageId,
            InstanceType = "m5.large",
            MinCount = 1,
            MaxCount = 1,
            DryRun = true,
        }), status: 412);
        Assert.Empty(world.Emulator.Snapshot().Instances);
    }
}
