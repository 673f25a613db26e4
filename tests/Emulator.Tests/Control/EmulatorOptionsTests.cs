using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Control;

public sealed class EmulatorOptionsTests
{
    [Fact]
    public void Defaults_AreCalibratedToAws()
    {
        var options = new EmulatorOptions();

        Assert.Equal("us-east-1", options.Region);
        Assert.Equal("123456789012", options.AccountId);
        Assert.Equal("statefulspot-events", options.EventQueueName);
        Assert.Equal(1.0, options.TimeScale);
        Assert.Equal(TimeSpan.FromSeconds(8), options.InstancePendingDuration);
        Assert.Equal(TimeSpan.FromSeconds(20), options.InstanceShuttingDownDuration);
        Assert.Equal(TimeSpan.FromSeconds(120), options.InterruptionNoticeLead);
        Assert.True(options.EmitStateChangeEvents);
        Assert.Null(options.StateFile);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.StateFileSaveDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), options.StateFileMinInterval);
        Assert.Null(options.WorldFile);
        Assert.True(options.Throttling.Enabled);
        Assert.Equal(1.0, options.Throttling.Scale);
        Assert.True(options.Throttling.RefillOnSimulatedClock);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.ApiCallLatency);
        Assert.Equal(TimeSpan.FromSeconds(1.5), options.RunInstancesCallLatency);
        Assert.Equal(TimeSpan.FromSeconds(20), options.InstanceStoppingDuration);
        Assert.Equal(TimeSpan.FromSeconds(60), options.FirstSnapshotDuration);
        Assert.Equal(TimeSpan.FromSeconds(10), options.IncrementalSnapshotDuration);
        Assert.Equal(TimeSpan.FromSeconds(15), options.SnapshotPerVolumeInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ImageAvailableDuration);
        Assert.Equal(TimeSpan.FromSeconds(1), options.NetworkInterfaceAttachmentDuration);
        options.Validate();
    }

    [Fact]
    public void Validate_BadThrottlingScaleOrNegativeDuration_FailsNamingTheKey()
    {
        var scale = Assert.Throws<ArgumentException>(() => new EmulatorOptions { Throttling = { Scale = 0 } }.Validate());
        var snapshot = Assert.Throws<ArgumentException>(() => new EmulatorOptions { FirstSnapshotDuration = TimeSpan.FromSeconds(-1) }.Validate());
        var interval = Assert.Throws<ArgumentException>(() => new EmulatorOptions { StateFileMinInterval = TimeSpan.FromSeconds(-1) }.Validate());

        Assert.Contains("Emulator:Throttling:Scale", scale.Message, StringComparison.Ordinal);
        Assert.Contains("Emulator:FirstSnapshotDuration", snapshot.Message, StringComparison.Ordinal);
        Assert.Contains("Emulator:StateFileMinInterval", interval.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public async Task StartAsync_InvalidTimeScale_FailsNamingTheKey(double timeScale)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => AwsEmulator.StartAsync(new EmulatorOptions { TimeScale = timeScale }));

        Assert.Contains("Emulator:TimeScale", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadAccountId_FailsNamingTheKey()
    {
        var error = Assert.Throws<ArgumentException>(() => new EmulatorOptions { AccountId = "12345" }.Validate());

        Assert.Contains("Emulator:AccountId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_OtherRegionAndQueue_AreUsedInZonesArnsAndUrls()
    {
        await using var world = await EmulatorHarness.StartAsync(o =>
        {
            o.Region = "eu-west-1";
            o.AccountId = "000000000000";
            o.EventQueueName = "my-events";
        });

        Assert.Equal($"{world.Emulator.ServiceUrl}000000000000/my-events", world.Emulator.EventQueueUrl);
        var instance = await world.LaunchAsync();
        Assert.Equal("eu-west-1a", instance.Placement.AvailabilityZone);
        Assert.EndsWith(".eu-west-1.compute.internal", instance.PrivateDnsName, StringComparison.Ordinal);
    }
}
