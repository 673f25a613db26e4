using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Control;

public sealed class TimeScaleTests
{
    [Fact]
    public async Task SetTimeScale_AppliesToTransitionsScheduledAfterwards()
    {
        await using var world = await EmulatorHarness.StartAsync(o =>
        {
            o.TimeScale = 1000;
            o.ApiCallLatency = TimeSpan.Zero;
            o.RunInstancesCallLatency = TimeSpan.Zero;
        });
        var slow = await world.LaunchAsync();

        using var response = await world.Http.PutAsJsonAsync("/_emulator/time-scale", new { timeScale = 0.01 });
        var fast = await world.LaunchRunningAsync();

        response.EnsureSuccessStatusCode();
        Assert.Equal(0.01, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("timeScale").GetDouble());
        Assert.Equal(0.01, world.Emulator.TimeScale);
        Assert.Equal(0.01, world.Emulator.Snapshot().TimeScale);
        Assert.Equal(InstanceStateName.Running, fast.State.Name);
        Assert.Equal(InstanceStateName.Pending, (await world.DescribeInstanceAsync(slow.InstanceId)).State.Name);
        Assert.Equal(1000, world.Emulator.Options.TimeScale);
    }

    [Fact]
    public async Task TimeScaleEndpoint_RejectsNegativeScales()
    {
        await using var world = await EmulatorHarness.StartAsync();

        using var bad = await world.Http.PutAsJsonAsync("/_emulator/time-scale", new { timeScale = -1 });
        var current = await world.Http.GetFromJsonAsync<JsonElement>("/_emulator/time-scale");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(EmulatorHarness.FastTimeScale, current.GetProperty("timeScale").GetDouble());
        Assert.Throws<ArgumentOutOfRangeException>(() => world.Emulator.SetTimeScale(double.NaN));
    }
}
