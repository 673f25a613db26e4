using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class InstanceTypeTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("instance-types-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task DescribeInstanceTypeOfferings_DefaultWorld_OffersEveryTypeInEveryZone()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var byZone = await AllOfferingsAsync(world.Ec2, new DescribeInstanceTypeOfferingsRequest { LocationType = LocationType.AvailabilityZone });
        var m5 = await world.Ec2.DescribeInstanceTypeOfferingsAsync(new DescribeInstanceTypeOfferingsRequest
        {
            LocationType = LocationType.AvailabilityZone,
            Filters = [new Filter("instance-type", ["m5.large"])],
        });
        var byRegion = await world.Ec2.DescribeInstanceTypeOfferingsAsync(new DescribeInstanceTypeOfferingsRequest());
        var byZoneId = await world.Ec2.DescribeInstanceTypeOfferingsAsync(new DescribeInstanceTypeOfferingsRequest
        {
            LocationType = LocationType.AvailabilityZoneId,
            Filters = [new Filter("location", ["use1-az2"]), new Filter("instance-type", ["c5.*"])],
        });

        Assert.Equal(DefaultWorld.InstanceTypes.Count * 3, byZone.Count);
        Assert.All(byZone, o => Assert.Equal(LocationType.AvailabilityZone, o.LocationType));
        Assert.Equal([DefaultWorld.ZoneA, DefaultWorld.ZoneB, DefaultWorld.ZoneC], m5.InstanceTypeOfferings.Select(o => o.Location).Order());
        Assert.Equal(DefaultWorld.InstanceTypes.Select(t => t.Name).Order(), byRegion.InstanceTypeOfferings.Select(o => o.InstanceType.Value).Order());
        Assert.All(byRegion.InstanceTypeOfferings, o => Assert.Equal("us-east-1", o.Location));
        var c5 = Assert.Single(byZoneId.InstanceTypeOfferings);
        Assert.Equal(("c5.large", "use1-az2"), (c5.InstanceType.Value, c5.Location));
    }

    [Fact]
    public async Task DescribeInstanceTypeOfferings_WorldListsZones_OffersOnlyThereAndRunInstancesElsewhereIsUnsupported()
    {
        var path = Path.Combine(_directory.FullName, "world.json");
        File.WriteAllText(path, WorldFiles.Custom.Replace(
            "\"onDemandPrice\": 0.085, \"spotPrice\": 0.03 }",
            "\"onDemandPrice\": 0.085, \"spotPrice\": 0.03, \"zones\": [\"{region}b\"] }", StringComparison.Ordinal));
        await using var world = await EmulatorHarness.StartAsync(o =>
        {
            o.Region = "eu-west-1";
            o.WorldFile = path;
        });

        var offerings = await world.Ec2.DescribeInstanceTypeOfferingsAsync(new DescribeInstanceTypeOfferingsRequest { LocationType = LocationType.AvailabilityZone });
        var error = await Ec2Assert.FailsAsync("Unsupported", () => world.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-0c0c0c0c0c0c0c0c0",
            InstanceType = "c6i.large",
            MinCount = 1,
            MaxCount = 1,
            SubnetId = "subnet-0c0c0c0c0c0c0c0c1",
        }));
        var launched = await world.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-0c0c0c0c0c0c0c0c0",
            InstanceType = "c6i.large",
            MinCount = 1,
            MaxCount = 1,
            SubnetId = "subnet-0c0c0c0c0c0c0c0c2",
        });

        var offering = Assert.Single(offerings.InstanceTypeOfferings);
        Assert.Equal(("c6i.large", "eu-west-1b"), (offering.InstanceType.Value, offering.Location));
        Assert.Contains("(eu-west-1a)", error.Message, StringComparison.Ordinal);
        Assert.Equal("eu-west-1b", Assert.Single(launched.Reservation.Instances).Placement.AvailabilityZone);
    }

    [Fact]
    public async Task DescribeInstanceTypeOfferings_MaxResults_PagesWithNextToken()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var pages = new List<int>();
        string? next = null;
        do
        {
            var page = await world.Ec2.DescribeInstanceTypeOfferingsAsync(new DescribeInstanceTypeOfferingsRequest
            {
                LocationType = LocationType.AvailabilityZone,
                MaxResults = 10,
                NextToken = next,
            });
            pages.Add(page.InstanceTypeOfferings.Count);
            next = page.NextToken;
        }
        while (next is not null);

        Assert.Equal([10, 5], pages);
    }

    [Fact]
    public async Task DescribeInstanceTypes_KnownTypes_ReturnVCpusAndMemory_UnknownIsInvalidInstanceType()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var described = await world.Ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { InstanceTypes = ["m5.xlarge", "c5.large"] });
        var all = await world.Ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest());
        var error = await Ec2Assert.FailsAsync("InvalidInstanceType", () =>
            world.Ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { InstanceTypes = ["m5.large", "x9.huge"] }));

        var m5 = described.InstanceTypes.Single(t => t.InstanceType == "m5.xlarge");
        Assert.Equal((4, 2, 2, 16384L), (m5.VCpuInfo.DefaultVCpus, m5.VCpuInfo.DefaultCores, m5.VCpuInfo.DefaultThreadsPerCore, m5.MemoryInfo.SizeInMiB));
        Assert.Equal(4096L, described.InstanceTypes.Single(t => t.InstanceType == "c5.large").MemoryInfo.SizeInMiB);
        Assert.Equal(["on-demand", "spot"], m5.SupportedUsageClasses);
        Assert.Equal(15, m5.NetworkInfo.Ipv4AddressesPerInterface);
        Assert.Equal(6, all.InstanceTypes.Single(t => t.InstanceType == "t3.medium").NetworkInfo.Ipv4AddressesPerInterface);
        Assert.Equal(DefaultWorld.InstanceTypes.Count, all.InstanceTypes.Count);
        Assert.Contains("x9.huge", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("m5.large", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<InstanceTypeOffering>> AllOfferingsAsync(IAmazonEC2 ec2, DescribeInstanceTypeOfferingsRequest request) =>
        (await ec2.DescribeInstanceTypeOfferingsAsync(request)).InstanceTypeOfferings ?? [];
}
