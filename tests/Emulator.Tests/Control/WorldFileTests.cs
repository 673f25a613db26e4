using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Control;

public sealed class WorldFileTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("emulator-world-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task DefaultWorld_MatchesTheDefaultWorldConstants()
    {
        await using var emulator = await AwsEmulator.StartAsync(new EmulatorOptions { TimeScale = 0.01 });

        var world = emulator.World;
        Assert.Equal(DefaultWorld.VpcId, world.Vpc.VpcId);
        Assert.Equal(DefaultWorld.VpcCidr, world.Vpc.Cidr);
        Assert.Equal(DefaultWorld.SecurityGroupId, world.Vpc.SecurityGroupId);
        Assert.Equal([DefaultWorld.ZoneA, DefaultWorld.ZoneB, DefaultWorld.ZoneC], world.Zones.Select(z => z.Name));
        Assert.Equal(["use1-az1", "use1-az2", "use1-az3"], world.Zones.Select(z => z.ZoneId));
        Assert.Equal([DefaultWorld.SubnetA, DefaultWorld.SubnetB, DefaultWorld.SubnetC], world.Subnets.Select(s => s.SubnetId));
        Assert.Equal([DefaultWorld.SubnetACidr, DefaultWorld.SubnetBCidr, DefaultWorld.SubnetCCidr], world.Subnets.Select(s => s.Cidr));
        Assert.Equal(DefaultWorld.InstanceTypes, world.InstanceTypes);
        var image = Assert.Single(world.Images);
        Assert.Equal(DefaultWorld.ImageId, image.ImageId);
        Assert.Equal(DefaultWorld.RootSnapshotId, image.RootSnapshotId);
        Assert.Equal(DefaultWorld.RootVolumeSizeGiB, image.RootVolumeSize);
        Assert.Equal(DefaultWorld.RootDeviceName, image.RootDeviceName);
        Assert.Null(world.Capacity.Default);
        Assert.Equal(5, world.ElasticIps.Limit);
    }

    [Fact]
    public async Task WorldFile_DefinesZonesSubnetsTypesPricesImagesCapacityAndAddresses()
    {
        var path = Write(WorldFiles.Custom);
        await using var world = await EmulatorHarness.StartAsync(o =>
        {
            o.Region = "eu-west-1";
            o.WorldFile = path;
        });

        var zones = (await world.Ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest())).AvailabilityZones;
        var subnets = (await world.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets;
        var prices = (await world.Ec2.DescribeSpotPriceHistoryAsync(new DescribeSpotPriceHistoryRequest())).SpotPriceHistory;
        var own = (await world.Ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] })).Images;

        Assert.Equal(["eu-west-1a", "eu-west-1b"], zones.Select(z => z.ZoneName));
        Assert.Equal(["euw1-az1", "euw1-az2"], zones.Select(z => z.ZoneId));
        Assert.Equal(3, subnets.Count);
        Assert.All(subnets, s => Assert.Equal("vpc-0c0c0c0c0c0c0c0c0", s.VpcId));
        Assert.Equal("public-a", subnets[0].Tags.Single().Value);
        Assert.Equal(4091, subnets[0].AvailableIpAddressCount);
        Assert.Equal([true, true, false], subnets.Select(s => s.DefaultForAz!.Value));
        Assert.Equal(["0.030000", "0.032100"], prices.Where(p => p.ProductDescription == "Linux/UNIX").Select(p => p.Price));
        Assert.Equal("ami-0c0c0c0c0c0c0c0c0", Assert.Single(own).ImageId);

        var launched = await world.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-0c0c0c0c0c0c0c0c0",
            InstanceType = "c6i.large",
            MinCount = 1,
            MaxCount = 1,
            Placement = new Placement { AvailabilityZone = "eu-west-1a" },
            InstanceMarketOptions = new InstanceMarketOptionsRequest { MarketType = MarketType.Spot },
        });
        var instance = Assert.Single(launched.Reservation.Instances);
        Assert.Equal("subnet-0c0c0c0c0c0c0c0c1", instance.SubnetId);
        Assert.Equal("172.31.0.4", instance.PrivateIpAddress);
        Assert.Equal("sg-0c0c0c0c0c0c0c0c0", instance.SecurityGroups[0].GroupId);
        await Ec2Assert.FailsAsync("InsufficientInstanceCapacity", () => world.Ec2NoRetry.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-0c0c0c0c0c0c0c0c0",
            InstanceType = "c6i.large",
            MinCount = 1,
            MaxCount = 1,
            SubnetId = "subnet-0c0c0c0c0c0c0c0c1",
            InstanceMarketOptions = new InstanceMarketOptionsRequest { MarketType = MarketType.Spot },
        }), 500);
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.LaunchAsync(configure: r =>
        {
            r.ImageId = "ami-0c0c0c0c0c0c0c0c0";
            r.SubnetId = "subnet-0c0c0c0c0c0c0c0c2";
        }));
        var pool = world.Emulator.Snapshot().Capacity.Single(p => p is { AvailabilityZone: "eu-west-1b", Market: "on-demand" });
        Assert.Equal(5, pool.Capacity);
        var address = await world.Ec2.AllocateAddressAsync(new AllocateAddressRequest());
        await world.Ec2.AllocateAddressAsync(new AllocateAddressRequest());
        Assert.StartsWith("203.0.113.", address.PublicIp, StringComparison.Ordinal);
        await Ec2Assert.FailsAsync("AddressLimitExceeded", () => world.Ec2.AllocateAddressAsync(new AllocateAddressRequest()));
    }

    [Theory]
    [InlineData("""{ "vpc": { "vpcId": "vpc-bad" } }""", "vpc.vpcId")]
    [InlineData("not json", "not valid JSON")]
    public async Task WorldFile_Invalid_FailsNamingTheKey(string content, string expected)
    {
        var path = Write(content);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AwsEmulator.StartAsync(new EmulatorOptions { WorldFile = path }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorldFile_OfAnotherRegionOrOutsideTheVpc_FailsNamingTheKey()
    {
        var otherRegion = Write(WorldFiles.Custom);
        var outside = Write(WorldFiles.Custom.Replace("172.31.32.0/28", "10.9.0.0/28", StringComparison.Ordinal));
        var noAddresses = Write(WorldFiles.Custom.Replace("\"spotPrice\": 0.03 }", "\"spotPrice\": 0.03, \"ipv4AddressesPerInterface\": 0 }", StringComparison.Ordinal));

        var region = await Assert.ThrowsAsync<InvalidOperationException>(() => AwsEmulator.StartAsync(new EmulatorOptions { WorldFile = otherRegion }));
        var cidr = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsEmulator.StartAsync(new EmulatorOptions { Region = "eu-west-1", WorldFile = outside }));
        var addresses = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsEmulator.StartAsync(new EmulatorOptions { Region = "eu-west-1", WorldFile = noAddresses }));
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsEmulator.StartAsync(new EmulatorOptions { WorldFile = Path.Combine(_directory.FullName, "missing.json") }));

        Assert.Contains("Emulator:Region", region.Message, StringComparison.Ordinal);
        Assert.Contains("subnets[2].cidr", cidr.Message, StringComparison.Ordinal);
        Assert.Contains("instanceTypes[0].ipv4AddressesPerInterface", addresses.Message, StringComparison.Ordinal);
        Assert.Contains("Emulator:WorldFile", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultWorldFile_IsCopiedBesideTheAssembly_AndLoadsAsAWorldFile()
    {
        var copy = Path.Combine(AppContext.BaseDirectory, "worlds", "default.json");
        Assert.True(File.Exists(copy), copy);

        await using var emulator = await AwsEmulator.StartAsync(new EmulatorOptions { WorldFile = copy, TimeScale = 0.01 });
        using var ec2 = new AmazonEC2Client(new BasicAWSCredentials("a", "b"),
            new AmazonEC2Config { ServiceURL = emulator.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1" });

        Assert.Equal(3, (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets.Count);
    }

    private string Write(string content)
    {
        var path = Path.Combine(_directory.FullName, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, content);
        return path;
    }
}
