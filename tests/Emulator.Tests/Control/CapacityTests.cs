using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Control;

public sealed class CapacityTests
{
    [Fact]
    public async Task RunInstances_BeyondPoolCapacity_ReturnsInsufficientInstanceCapacity500_OtherPoolsStillWork()
    {
        await using var world = await EmulatorHarness.StartAsync();
        await world.Emulator.SetCapacityAsync("m5.large", DefaultWorld.ZoneA, "spot", 1);
        await world.LaunchAsync();

        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => world.Ec2NoRetry.RunInstancesAsync(SpotRequest(DefaultWorld.SubnetA)));

        Assert.Equal("InsufficientInstanceCapacity", error.ErrorCode);
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("There is no Spot capacity available that matches your request.", error.Message);
        await world.Ec2.RunInstancesAsync(SpotRequest(DefaultWorld.SubnetB));
        await world.LaunchAsync(spot: false);
        var pool = world.Emulator.Snapshot().Capacity.Single(p => p is { InstanceType: "m5.large", AvailabilityZone: DefaultWorld.ZoneA, Market: "spot" });
        Assert.Equal(1, pool.Capacity);
        Assert.Equal(1, pool.InUse);
    }

    [Fact]
    public async Task RunInstances_MinAndMaxCount_LaunchesWhatFitsAtLeastMin()
    {
        await using var world = await EmulatorHarness.StartAsync();
        await world.Emulator.SetCapacityAsync("m5.large", DefaultWorld.ZoneA, "on-demand", 3);

        var launched = await world.Ec2.RunInstancesAsync(OnDemandRequest(min: 2, max: 5));

        Assert.Equal(3, launched.Reservation.Instances.Count);
        await Ec2Assert.FailsAsync("InsufficientInstanceCapacity", () => world.Ec2NoRetry.RunInstancesAsync(OnDemandRequest(min: 1, max: 1)), 500);
    }

    [Fact]
    public async Task SetCapacity_BelowUse_WarnsTheNewestRunningSpotInstances_WhichThenTerminate()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var events = new EventQueue(world.Sqs, world.Emulator.EventQueueUrl);
        var older = await world.LaunchRunningAsync();
        var newer = await world.LaunchRunningAsync();

        var change = await world.Emulator.SetCapacityAsync("m5.large", DefaultWorld.ZoneA, "spot", 1);

        Assert.Equal(newer.InstanceId, Assert.Single(change.Interruptions).InstanceId);
        Assert.Equal(1, change.InUse);
        await events.WaitForAsync(DetailTypes.Warning, newer.InstanceId);
        await world.WaitForInstanceStateAsync(newer.InstanceId, InstanceStateName.Terminated);
        Assert.Equal(InstanceStateName.Running, (await world.DescribeInstanceAsync(older.InstanceId)).State.Name);
        Assert.Empty(events.Events(DetailTypes.Warning, older.InstanceId));
    }

    [Fact]
    public async Task InterruptPool_WithRebalanceLead_RecommendsFirstThenWarnsEveryRunningSpotInstance()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var events = new EventQueue(world.Sqs, world.Emulator.EventQueueUrl);
        var first = await world.LaunchRunningAsync();
        var second = await world.LaunchRunningAsync();
        var onDemand = await world.LaunchRunningAsync(spot: false);
        var otherZone = await world.LaunchRunningAsync(configure: r => r.SubnetId = DefaultWorld.SubnetB);

        var change = await world.Emulator.InterruptPoolAsync("m5.large", DefaultWorld.ZoneA, TimeSpan.FromSeconds(30));

        Assert.Empty(change.Interruptions);
        Assert.Equal([second.InstanceId, first.InstanceId], change.Rebalances.Select(r => r.InstanceId));
        Assert.All(change.Rebalances, r => Assert.Equal(r.NoticeTime + TimeSpan.FromSeconds(30 * EmulatorHarness.FastTimeScale), r.InterruptionWarningTime));
        foreach (var instance in new[] { first, second })
        {
            var rebalance = await events.WaitForAsync(DetailTypes.Rebalance, instance.InstanceId);
            var warning = await events.WaitForAsync(DetailTypes.Warning, instance.InstanceId);
            Assert.True(warning.GetProperty("time").GetDateTimeOffset() >= rebalance.GetProperty("time").GetDateTimeOffset());
            await world.WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Terminated);
        }

        Assert.Empty(events.Events(DetailTypes.Warning, onDemand.InstanceId));
        Assert.Empty(events.Events(DetailTypes.Warning, otherZone.InstanceId));
        await Ec2Assert.FailsAsync("InsufficientInstanceCapacity", () => world.Ec2NoRetry.RunInstancesAsync(SpotRequest(DefaultWorld.SubnetA)), 500);
    }

    [Fact]
    public async Task CapacityEndpoints_SetAndList_AndPoolInterrupt()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();

        using var set = await world.Http.PutAsJsonAsync("/_emulator/capacity",
            new { instanceType = "c5.large", availabilityZone = DefaultWorld.ZoneC, market = "on-demand", capacity = 4 });
        using var badMarket = await world.Http.PutAsJsonAsync("/_emulator/capacity",
            new { instanceType = "c5.large", availabilityZone = DefaultWorld.ZoneC, market = "reserved", capacity = 4 });
        using var unknownType = await world.Http.PutAsJsonAsync("/_emulator/capacity",
            new { instanceType = "x1.huge", availabilityZone = DefaultWorld.ZoneC, market = "spot" });
        var pools = await world.Http.GetFromJsonAsync<JsonElement>("/_emulator/capacity");
        using var interrupt = await world.Http.PostAsync($"/_emulator/pools/m5.large/{DefaultWorld.ZoneA}/interrupt", null);

        set.EnsureSuccessStatusCode();
        Assert.Equal(4, (await set.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("capacity").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, badMarket.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownType.StatusCode);
        Assert.Contains(pools.EnumerateArray(), p => p.GetProperty("instanceType").GetString() == "c5.large"
            && p.GetProperty("market").GetString() == "on-demand" && p.GetProperty("availabilityZone").GetString() == DefaultWorld.ZoneC
            && p.GetProperty("capacity").GetInt32() == 4);
        interrupt.EnsureSuccessStatusCode();
        var json = await interrupt.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(instance.InstanceId, json.GetProperty("interruptions")[0].GetProperty("instanceId").GetString());
        Assert.Equal(0, json.GetProperty("capacity").GetInt32());
    }

    private static RunInstancesRequest SpotRequest(string subnetId) => new()
    {
        ImageId = DefaultWorld.ImageId,
        InstanceType = InstanceType.M5Large,
        MinCount = 1,
        MaxCount = 1,
        SubnetId = subnetId,
        InstanceMarketOptions = new InstanceMarketOptionsRequest { MarketType = MarketType.Spot },
    };

    private static RunInstancesRequest OnDemandRequest(int min, int max) => new()
    {
        ImageId = DefaultWorld.ImageId,
        InstanceType = InstanceType.M5Large,
        MinCount = min,
        MaxCount = max,
        SubnetId = DefaultWorld.SubnetA,
    };
}
