using System.Diagnostics;
using StatefulSpot.Client;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Silo.Demo;

/// <summary>
/// Creates a sample database machine, has the emulator interrupt its Spot instance, and prints how it came back:
/// old and new instance ids, the same volume, the same private IP, and the downtime.
/// </summary>
public static class InterruptionDemo
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);

    public static ManagedInstanceSpec SampleSpec() => new()
    {
        Name = "demo-postgres",
        SubnetIds = [DefaultWorld.SubnetA],
        LaunchSpecification = new LaunchSpecification
        {
            ImageId = DefaultWorld.ImageId,
            InstanceTypes = InstanceTypesSpec.Of("m5.large"),
            BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 100 }],
            Tags = new Dictionary<string, string> { ["app"] = "demo" },
        },
        Persistence = new PersistenceSpec { PersistPrivateIp = true, PersistBlockDevices = true, BlockDevicesMode = BlockDevicesMode.Reattach },
    };

    public static async Task<int> RunAsync(StatefulSpotClient client, AwsEmulator emulator, TextWriter output, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var created = await client.CreateAsync(SampleSpec(), cancellationToken);
        await output.WriteLineAsync($"[{clock.Elapsed:mm\\:ss\\.f}] created {created.Id} ({created.Spec.Name}), status {created.Status}");

        var before = await client.WaitUntilAsync(created.Id, v => v.Status is ManagedInstanceStatus.Active or ManagedInstanceStatus.Error, StepTimeout, cancellationToken);
        if (before.Status != ManagedInstanceStatus.Active)
        {
            await output.WriteLineAsync($"creation failed: {before.LastError}");
            return 1;
        }

        var volume = before.Volumes.Single();
        await output.WriteLineAsync($"[{clock.Elapsed:mm\\:ss\\.f}] active on {before.InstanceId} in {before.AvailabilityZone}: "
            + $"ENI {before.NetworkInterfaceId}, private IP {before.PrivateIp}, volume {volume.VolumeId} at {volume.DeviceName}");

        await emulator.InterruptAsync(before.InstanceId!, cancellationToken);
        await output.WriteLineAsync($"[{clock.Elapsed:mm\\:ss\\.f}] AWS sent the Spot interruption warning for {before.InstanceId}");

        var after = await client.WaitUntilAsync(created.Id,
            v => v.Generation > before.Generation && v.Status is ManagedInstanceStatus.Active or ManagedInstanceStatus.Error, StepTimeout, cancellationToken);
        if (after.Status != ManagedInstanceStatus.Active)
        {
            await output.WriteLineAsync($"recovery failed: {after.LastError}");
            return 1;
        }

        var recovery = after.History.Last();
        var afterVolume = after.Volumes.Single();
        await output.WriteLineAsync($"[{clock.Elapsed:mm\\:ss\\.f}] recovered {after.Id}, generation {after.Generation}:");
        await output.WriteLineAsync($"  EC2 instance   {recovery.OldInstanceId} -> {recovery.NewInstanceId}");
        await output.WriteLineAsync($"  data volume    {volume.VolumeId} -> {afterVolume.VolumeId} at {afterVolume.DeviceName} ({Same(volume.VolumeId, afterVolume.VolumeId)})");
        await output.WriteLineAsync($"  private IP     {before.PrivateIp} -> {after.PrivateIp} ({Same(before.PrivateIp, after.PrivateIp)})");
        await output.WriteLineAsync($"  ENI            {before.NetworkInterfaceId} -> {after.NetworkInterfaceId} ({Same(before.NetworkInterfaceId, after.NetworkInterfaceId)})");
        await output.WriteLineAsync($"  timeline       notice {recovery.NoticeAt:HH:mm:ss.f}, out of service {recovery.ServiceStoppedAt:HH:mm:ss.f}, "
            + $"old terminated {recovery.OldTerminatedAt:HH:mm:ss.f}, replacement launched {recovery.ReplacementLaunchedAt:HH:mm:ss.f}, "
            + $"running {recovery.ReplacementRunningAt:HH:mm:ss.f}, volumes attached {recovery.VolumesAttachedAt:HH:mm:ss.f}");

        // The emulator runs EC2's clock compressed: its durations, and so the downtime, are shown in AWS seconds.
        var scale = emulator.Options.TimeScale > 0 ? emulator.Options.TimeScale : 1;
        await output.WriteLineAsync($"  downtime       {AwsSeconds(recovery.AppDowntime, scale)} as the application sees it (old instance out of service -> "
            + "replacement running with its volumes)");
        await output.WriteLineAsync($"                 {AwsSeconds(recovery.Downtime, scale)} of it on EC2's side (old instance terminated -> volumes attached)");
        await output.WriteLineAsync($"  (AWS seconds: the emulator ran EC2's clock at {emulator.Options.TimeScale}x, the timeline above is the wall clock; "
            + "set StatefulSpot:Emulator:TimeScale=1 for AWS timing)");

        var kept = volume.VolumeId == afterVolume.VolumeId && before.PrivateIp == after.PrivateIp && recovery.NewInstanceId != recovery.OldInstanceId;
        return kept ? 0 : 1;
    }

    private static string Same(string? a, string? b) => a == b ? "same" : "CHANGED";

    private static string AwsSeconds(TimeSpan? duration, double scale) =>
        duration is { } d ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{d.TotalSeconds / scale:0.0} s") : "unknown";
}
