using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class SpotPriceTests
{
    [Fact]
    public async Task DescribeSpotPriceHistory_ReturnsTheWorldsPricePerZone()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var prices = (await world.Ec2.DescribeSpotPriceHistoryAsync(new DescribeSpotPriceHistoryRequest
        {
            InstanceTypes = ["m5.large"],
            ProductDescriptions = ["Linux/UNIX"],
            StartTime = DateTime.UtcNow.AddHours(-1),
        })).SpotPriceHistory;

        Assert.Equal([DefaultWorld.ZoneA, DefaultWorld.ZoneB, DefaultWorld.ZoneC], prices.Select(p => p.AvailabilityZone));
        Assert.All(prices, p =>
        {
            Assert.Equal("0.038400", p.Price);
            Assert.Equal(InstanceType.M5Large, p.InstanceType);
            Assert.Equal(RIProductDescription.LinuxUNIX, p.ProductDescription);
        });
        var spec = DefaultWorld.InstanceTypes.Single(t => t.Name == "m5.large");
        Assert.Equal(0.096m, spec.OnDemandPrice);
        Assert.Equal(spec, world.Emulator.World.InstanceTypes.Single(t => t.Name == "m5.large"));
    }

    [Fact]
    public async Task DescribeSpotPriceHistory_ZoneFilterAndPaging()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var inZone = (await world.Ec2.DescribeSpotPriceHistoryAsync(new DescribeSpotPriceHistoryRequest
        {
            AvailabilityZone = DefaultWorld.ZoneB,
            Filters = [new Filter("instance-type", ["c5.*", "t3.medium"])],
        })).SpotPriceHistory;
        var page = await world.Ec2.DescribeSpotPriceHistoryAsync(new DescribeSpotPriceHistoryRequest { MaxResults = 4 });

        Assert.Equal(4, inZone.Count);
        Assert.All(inZone, p => Assert.Equal(DefaultWorld.ZoneB, p.AvailabilityZone));
        Assert.Equal(4, page.SpotPriceHistory.Count);
        Assert.False(string.IsNullOrEmpty(page.NextToken));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () =>
            world.Ec2.DescribeSpotPriceHistoryAsync(new DescribeSpotPriceHistoryRequest { InstanceTypes = ["x9.huge"] }));
    }
}
