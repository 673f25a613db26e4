using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Control;

public sealed class FaultTests
{
    [Fact]
    public async Task InjectedInternalError_OnceThenSdkRetrySucceeds()
    {
        await using var world = await EmulatorHarness.StartAsync();
        world.Emulator.InjectFault(new ActionFault { Action = "DescribeSubnets", ErrorRate = 1, Count = 1 });

        var subnets = await world.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest());

        Assert.Equal(3, subnets.Subnets.Count);
        Assert.Equal(0, Assert.Single(world.Emulator.Faults().Actions).Count);
    }

    [Fact]
    public async Task InjectedUnavailable_Answers503_AndInternalError500()
    {
        await using var world = await EmulatorHarness.StartAsync();
        world.Emulator.InjectFault(new ActionFault { Action = "DescribeVolumes", ErrorRate = 1, ErrorCode = "Unavailable" });
        world.Emulator.InjectFault(new ActionFault { Action = ActionFault.AnyAction, ErrorRate = 1 });

        await Ec2Assert.FailsAsync("Unavailable", () => world.Ec2NoRetry.DescribeVolumesAsync(new DescribeVolumesRequest()), 503);
        await Ec2Assert.FailsAsync("InternalError", () => world.Ec2NoRetry.DescribeSubnetsAsync(new DescribeSubnetsRequest()), 500);
        world.Emulator.ClearFaults();
        await world.Ec2NoRetry.DescribeVolumesAsync(new DescribeVolumesRequest());
    }

    [Fact]
    public async Task RunInstances_ResponseLostAfterLaunch_SdkRetryWithTheSameClientTokenNeverLaunchesTwice()
    {
        await using var world = await EmulatorHarness.StartAsync();
        world.Emulator.InjectFault(new ActionFault { Action = "RunInstances", ErrorRate = 1, Count = 2, AfterExecution = true });

        var response = await world.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = DefaultWorld.ImageId,
            InstanceType = InstanceType.M5Large,
            MinCount = 1,
            MaxCount = 1,
            SubnetId = DefaultWorld.SubnetA,
        });

        var instance = Assert.Single(response.Reservation.Instances);
        Assert.Equal(instance.InstanceId, Assert.Single(world.Emulator.Snapshot().Instances).InstanceId);
        Assert.Equal(0, world.Emulator.Faults().Actions.Single().Count);
    }

    [Fact]
    public async Task LatencySpike_DelaysTheCallByTheSpike()
    {
        await using var world = await EmulatorHarness.StartAsync();
        world.Emulator.InjectFault(new ActionFault { Action = "DescribeSubnets", LatencySpike = TimeSpan.FromMilliseconds(700), LatencySpikeRate = 1 });

        var watch = Stopwatch.StartNew();
        await world.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest());

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(650), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task StuckDetachingVolume_StaysDetachingUntilForced()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);
        await world.Ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/sdf" });
        await Eventually.ReturnsAsync(() => world.DescribeVolumeAsync(volume.VolumeId), v => v.Attachments?[0].State == AttachmentStatus.Attached, "attached");
        world.Emulator.SetVolumeStuckDetaching(volume.VolumeId);

        await world.Ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = volume.VolumeId });
        await Task.Delay(TimeSpan.FromSeconds(20 * EmulatorHarness.FastTimeScale));

        var stuck = await world.DescribeVolumeAsync(volume.VolumeId);
        Assert.Equal(AttachmentStatus.Detaching, stuck.Attachments[0].State);
        Assert.Equal([volume.VolumeId], world.Emulator.Faults().StuckDetachingVolumes);
        await world.Ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = volume.VolumeId, Force = true });
        await world.WaitForVolumeStateAsync(volume.VolumeId, VolumeState.Available);
        Assert.Empty(world.Emulator.Faults().StuckDetachingVolumes);
    }

    [Fact]
    public async Task ClearFaults_CompletesAStuckDetach()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);
        await world.Ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume.VolumeId, InstanceId = instance.InstanceId, Device = "/dev/sdf" });
        using var stuck = await world.Http.PostAsync($"/_emulator/volumes/{volume.VolumeId}/stuck-detaching", null);
        stuck.EnsureSuccessStatusCode();
        await Eventually.ReturnsAsync(() => world.DescribeVolumeAsync(volume.VolumeId), v => v.Attachments?[0].State == AttachmentStatus.Attached, "attached");
        await world.Ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = volume.VolumeId });

        using var cleared = await world.Http.DeleteAsync("/_emulator/faults");

        cleared.EnsureSuccessStatusCode();
        await world.WaitForVolumeStateAsync(volume.VolumeId, VolumeState.Available);
    }

    [Fact]
    public async Task EventualConsistencyWindow_NewIdIsNotFoundUntilTheWindowPasses()
    {
        await using var world = await EmulatorHarness.StartAsync();
        world.Emulator.SetEventualConsistencyWindow(TimeSpan.FromMilliseconds(1500));

        var instance = await world.LaunchAsync();
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => world.DescribeInstanceAsync(instance.InstanceId));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () =>
            world.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] }));
        Assert.Null((await world.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations);

        var found = await Eventually.ReturnsAsync(
            async () => (await world.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations, r => r is { Count: 1 }, "propagated");
        Assert.Equal(instance.InstanceId, found[0].Instances[0].InstanceId);
    }

    [Fact]
    public async Task FaultEndpoints_InjectListAndClear()
    {
        await using var world = await EmulatorHarness.StartAsync();

        using var injected = await world.Http.PostAsJsonAsync("/_emulator/faults/actions",
            new { action = "DescribeVolumes", errorRate = 1.0, errorCode = "Unavailable", count = 1, latencyMs = 10 });
        using var window = await world.Http.PutAsJsonAsync("/_emulator/faults/eventual-consistency", new { windowMs = 250 });
        using var bad = await world.Http.PostAsJsonAsync("/_emulator/faults/actions", new { action = "DescribeVolumes", errorRate = 2.0 });
        using var unknownVolume = await world.Http.PostAsync("/_emulator/volumes/vol-0000000000000000f/stuck-detaching", null);

        injected.EnsureSuccessStatusCode();
        window.EnsureSuccessStatusCode();
        var faults = await world.Http.GetFromJsonAsync<JsonElement>("/_emulator/faults");
        var fault = faults.GetProperty("actions")[0];
        Assert.Equal("DescribeVolumes", fault.GetProperty("action").GetString());
        Assert.Equal("Unavailable", fault.GetProperty("errorCode").GetString());
        Assert.Equal("00:00:00.2500000", faults.GetProperty("eventualConsistencyWindow").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownVolume.StatusCode);
        await Ec2Assert.FailsAsync("Unavailable", () => world.Ec2NoRetry.DescribeVolumesAsync(new DescribeVolumesRequest()), 503);
        await world.Ec2NoRetry.DescribeVolumesAsync(new DescribeVolumesRequest());

        using var cleared = await world.Http.DeleteAsync("/_emulator/faults");
        var after = await cleared.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, after.GetProperty("actions").GetArrayLength());
        Assert.Equal("00:00:00", after.GetProperty("eventualConsistencyWindow").GetString());
    }
}
