using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Control;

/// <summary>
/// Throttling with AWS's own bucket sizes. Buckets refill per simulated second, so at time scale 1000 (and without call
/// latency) they are as good as frozen: a burst meets exactly the bucket's size, and a test refills them by lowering
/// the time scale.
/// </summary>
public sealed class ThrottlingTests
{
    [Fact]
    public async Task RunInstances_SixthCallInABurst_IsRequestLimitExceeded503()
    {
        await using var world = await StartAsync();

        for (var i = 0; i < 5; i++)
        {
            await world.Ec2NoRetry.RunInstancesAsync(OnDemand(1));
        }

        var error = await Ec2Assert.FailsAsync("RequestLimitExceeded", () => world.Ec2NoRetry.RunInstancesAsync(OnDemand(1)), 503);

        Assert.Equal("Request limit exceeded.", error.Message);
        Assert.Equal(5, world.Emulator.Snapshot().Instances.Count);
        Assert.Equal(1, world.Emulator.Snapshot().Throttling!.ThrottledCalls["RunInstances"]);
    }

    [Theory]
    [InlineData("AssignPrivateIpAddresses")]
    [InlineData("UnassignPrivateIpAddresses")]
    public async Task PrivateIpAddressActions_HaveBucketsOf100(string action)
    {
        await using var world = await StartAsync();
        Task Call() => action == "AssignPrivateIpAddresses"
            ? world.Ec2NoRetry.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest { NetworkInterfaceId = "eni-0000000000000000f", SecondaryPrivateIpAddressCount = 1 })
            : world.Ec2NoRetry.UnassignPrivateIpAddressesAsync(new UnassignPrivateIpAddressesRequest { NetworkInterfaceId = "eni-0000000000000000f", PrivateIpAddresses = ["10.0.1.9"] });

        for (var i = 0; i < 100; i++)
        {
            await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", Call);
        }

        await Ec2Assert.FailsAsync("RequestLimitExceeded", Call, 503);
        Assert.Equal(1, world.Emulator.Snapshot().Throttling!.ThrottledCalls[action]);
    }

    [Fact]
    public async Task DescribeInstances_UnfilteredAndUnpaginated_Has50Tokens_WhileFilteredCallsUseTheLargerBucket()
    {
        await using var world = await StartAsync();
        var unfiltered = new DescribeInstancesRequest();

        for (var i = 0; i < 50; i++)
        {
            await world.Ec2NoRetry.DescribeInstancesAsync(unfiltered);
        }

        var throttled = 0;
        for (var i = 0; i < 10; i++)
        {
            try
            {
                await world.Ec2NoRetry.DescribeInstancesAsync(unfiltered);
            }
            catch (AmazonEC2Exception e) when (e.ErrorCode == "RequestLimitExceeded")
            {
                throttled++;
            }
        }

        Assert.Equal(10, throttled);
        await world.Ec2NoRetry.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("instance-state-name", ["running"])] });
        await world.Ec2NoRetry.DescribeInstancesAsync(new DescribeInstancesRequest { MaxResults = 5 });
    }

    [Fact]
    public async Task RunInstances_ResourceBucket_1000InstancesAtOnceThenThrottled()
    {
        var directory = Directory.CreateTempSubdirectory("emulator-world-");
        try
        {
            var worldFile = Path.Combine(directory.FullName, "big.json");
            await File.WriteAllTextAsync(worldFile, WorldFiles.BigSubnet);
            await using var world = await StartAsync(o => o.WorldFile = worldFile);
            var big = OnDemand(1000);
            big.SubnetId = "subnet-0b16b16b16b16b160";

            var launched = await world.Ec2NoRetry.RunInstancesAsync(big);
            var single = OnDemand(1);
            single.SubnetId = big.SubnetId;

            Assert.Equal(1000, launched.Reservation.Instances.Count);
            await Ec2Assert.FailsAsync("RequestLimitExceeded", () => world.Ec2NoRetry.RunInstancesAsync(single), 503);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SdkRetries_AfterThrottling_SucceedOnceTheBucketRefills()
    {
        await using var world = await StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await world.Ec2NoRetry.RunInstancesAsync(OnDemand(1));
        }

        var call = world.Ec2.RunInstancesAsync(OnDemand(1));
        await Eventually.ReturnsAsync(() => Task.FromResult(Throttled(world)), n => n >= 1, "a throttled first attempt");
        world.Emulator.SetTimeScale(0.001);

        var response = await call;

        Assert.Single(response.Reservation.Instances);
        Assert.Equal(6, world.Emulator.Snapshot().Instances.Count);
        Assert.InRange(Throttled(world), 1, 2);
    }

    [Fact]
    public async Task ThrottlingDisabledOrRescaled_ByOptionsAndEndpoint()
    {
        await using var world = await StartAsync(o => o.Throttling.Enabled = false);
        for (var i = 0; i < 8; i++)
        {
            await world.Ec2NoRetry.RunInstancesAsync(OnDemand(1));
        }

        using var response = await world.Http.PutAsJsonAsync("/_emulator/throttling", new { enabled = true, scale = 0.2 });
        response.EnsureSuccessStatusCode();
        Assert.Equal(0.2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("scale").GetDouble());
        await world.Ec2NoRetry.RunInstancesAsync(OnDemand(1));
        await Ec2Assert.FailsAsync("RequestLimitExceeded", () => world.Ec2NoRetry.RunInstancesAsync(OnDemand(1)), 503);
        using var bad = await world.Http.PutAsJsonAsync("/_emulator/throttling", new { enabled = true, scale = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task CallCounters_CountEveryAttemptThrottledOrNot_AndResetForOnePhase()
    {
        await using var world = await StartAsync();
        using var twoRetries = new AmazonEC2Client(new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "SECRETEXAMPLE"), new AmazonEC2Config
        {
            ServiceURL = world.Emulator.ServiceUrl.ToString(),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 2,
        });
        for (var i = 0; i < 5; i++)
        {
            await world.Ec2NoRetry.RunInstancesAsync(OnDemand(1));
        }

        await world.Ec2NoRetry.DescribeInstancesAsync(new DescribeInstancesRequest());
        await Ec2Assert.FailsAsync("RequestLimitExceeded", () => twoRetries.RunInstancesAsync(OnDemand(1)), 503);

        var counted = await GetThrottlingAsync(world);
        Assert.Equal(5 + 3, Count(counted, "calls", "RunInstances"));
        Assert.Equal(3, Count(counted, "throttledCalls", "RunInstances"));
        Assert.Equal(1, Count(counted, "calls", "DescribeInstances"));

        using (var reset = await world.Http.DeleteAsync("/_emulator/throttling/counters"))
        {
            reset.EnsureSuccessStatusCode();
            var zeroed = await reset.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Empty(zeroed.GetProperty("calls").EnumerateObject());
            Assert.Empty(zeroed.GetProperty("throttledCalls").EnumerateObject());
        }

        await world.Ec2NoRetry.DescribeVolumesAsync(new DescribeVolumesRequest());
        await Ec2Assert.FailsAsync("RequestLimitExceeded", () => world.Ec2NoRetry.RunInstancesAsync(OnDemand(1)), 503);

        var phase = await GetThrottlingAsync(world);
        Assert.Equal(["DescribeVolumes", "RunInstances"], phase.GetProperty("calls").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(1, Count(phase, "calls", "RunInstances"));
        Assert.Equal(1, Count(phase, "throttledCalls", "RunInstances"));
        var inProcess = world.Emulator.Throttling();
        Assert.Equal(1, inProcess.Calls["DescribeVolumes"]);
        Assert.Equal(1, inProcess.ThrottledCalls["RunInstances"]);
        world.Emulator.ResetThrottlingCounters();
        Assert.Empty(world.Emulator.Throttling().Calls);
    }

    private static async Task<JsonElement> GetThrottlingAsync(EmulatorHarness world) =>
        await world.Http.GetFromJsonAsync<JsonElement>("/_emulator/throttling");

    private static long Count(JsonElement throttling, string counter, string action) =>
        throttling.GetProperty(counter).GetProperty(action).GetInt64();

    private static long Throttled(EmulatorHarness world) =>
        world.Emulator.Snapshot().Throttling!.ThrottledCalls.GetValueOrDefault("RunInstances");

    private static Task<EmulatorHarness> StartAsync(Action<EmulatorOptions>? configure = null) => EmulatorHarness.StartAsync(o =>
    {
        o.TimeScale = 1000;
        o.ApiCallLatency = TimeSpan.Zero;
        o.RunInstancesCallLatency = TimeSpan.Zero;
        configure?.Invoke(o);
    });

    private static RunInstancesRequest OnDemand(int count) => new()
    {
        ImageId = DefaultWorld.ImageId,
        InstanceType = InstanceType.M5Large,
        MinCount = count,
        MaxCount = count,
        SubnetId = DefaultWorld.SubnetA,
    };
}
