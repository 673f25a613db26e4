using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances.Saga;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

public sealed class HeldVolumesTests
{
    [Fact]
    public async Task TheHeldVolumes_AreWhatEachDevicesGrainHolds_InTheSpecsOrder_LeavingOutDevicesThatHoldNone()
    {
        var devices = new[] { "/dev/sdg", "/dev/sdf", "/dev/sdh" };
        var grains = devices.ToDictionary(d => $"smi-0123abcd/{d}", d => new FakeVolumeGrain(d, d == "/dev/sdh"
            ? null
            : new VolumeView { DeviceName = d, VolumeId = "vol" + d.Replace("/dev/", "-"), AvailabilityZone = "us-east-1a" }));
        var spec = Specs.Database() with
        {
            LaunchSpecification = Specs.Database().LaunchSpecification with
            {
                BlockDeviceMappings = [.. devices.Select(d => new BlockDeviceMappingSpec { DeviceName = d, VolumeSizeGiB = 10 })],
            },
        };

        var held = await HeldVolumes.GetAsync(FakeGrains.With(grains), "smi-0123abcd", spec, CancellationToken.None);

        Assert.Equal([("/dev/sdg", "vol-sdg"), ("/dev/sdf", "vol-sdf")], held.Select(v => (v.DeviceName, v.VolumeId)));
    }
}
