using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>The request that makes a data volume of the spec in the managed instance's AZ.</summary>
public static class VolumeRequests
{
    public static VolumeRequest For(StepContext context, BlockDeviceMappingSpec volume, string clientToken) => new()
    {
        AvailabilityZone = context.State.AvailabilityZone!,
        SizeGiB = volume.VolumeSizeGiB,
        VolumeType = volume.VolumeType,
        Iops = volume.Iops,
        Throughput = volume.Throughput,
        ClientToken = clientToken,
        Tags = context.Tags(volume.DeviceName),
    };
}
