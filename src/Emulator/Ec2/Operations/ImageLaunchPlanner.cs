using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>What the image contributes to a launch: whether it can run at all, and the volumes every instance gets.</summary>
internal sealed class ImageLaunchPlanner(Ec2Context ctx)
{
    /// <summary>The image must be available, x86_64, HVM and ENA-enabled (every instance type of the world is a Nitro x86_64 type).</summary>
    public static void CheckRunnable(MachineImage image, string instanceType)
    {
        if (image.State != ImageState.Available)
        {
            throw Ec2Errors.ImageUnavailable(image.ImageId, image.State.ToWire());
        }

        if (image.Architecture != "x86_64")
        {
            throw Ec2Errors.InvalidParameterValue(
                $"The architecture 'x86_64' of the specified instance type does not match the architecture '{image.Architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.");
        }

        if (image.VirtualizationType != "hvm")
        {
            throw Ec2Errors.UnsupportedOperation(
                $"Non-Windows instances with a virtualization type of '{image.VirtualizationType}' are not supported for the instance type '{instanceType}' (AMI '{image.ImageId}').");
        }

        if (!image.EnaSupport)
        {
            throw Ec2Errors.InvalidParameterCombination(
                $"Enhanced networking with the Elastic Network Adapter (ENA) is required for the '{instanceType}' instance type. Ensure that you are using an AMI that is enabled for ENA.");
        }
    }

    /// <summary>
    /// The volumes of the launch: the image's root (resizable, never re-pointed to another snapshot), the image's other
    /// mappings (overridable, suppressible with NoDevice) and the request's extra mappings (empty or from a snapshot).
    /// </summary>
    public List<LaunchVolume> PlanVolumes(EmulatorState state, MachineImage image, IReadOnlyList<LaunchBlockDevice> mappings)
    {
        var duplicate = mappings.Where(m => m.DeviceName is not null).GroupBy(m => m.DeviceName).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Ec2Errors.InvalidBlockDeviceMapping($"The device '{duplicate.Key}' is used in more than one block-device mapping");
        }

        var root = mappings.FirstOrDefault(m => m.DeviceName == image.RootDeviceName);
        if (root?.NoDevice == true)
        {
            throw Ec2Errors.InvalidBlockDeviceMapping($"The root device '{image.RootDeviceName}' cannot be suppressed.");
        }

        if (root?.SnapshotId is { } rootSnapshot && rootSnapshot != image.RootSnapshotId)
        {
            throw Ec2Errors.InvalidBlockDeviceMapping($"The snapshot ID of the root device '{image.RootDeviceName}' cannot be modified.");
        }

        var rootSize = root?.VolumeSize ?? image.RootVolumeSize;
        if (rootSize < image.RootVolumeSize)
        {
            throw Ec2Errors.InvalidBlockDeviceMapping(
                $"Volume of size {rootSize}GB is smaller than snapshot '{image.RootSnapshotId ?? image.ImageId}', expect size >= {image.RootVolumeSize}GB");
        }

        var rootType = root?.VolumeType ?? image.RootVolumeType;
        var (rootIops, rootThroughput) = VolumeTypes.Validate(rootType, rootSize, root?.Iops, root?.Throughput);
        var planned = new List<LaunchVolume>
        {
            new(image.RootDeviceName, rootSize, rootType, rootIops, rootThroughput, image.RootSnapshotId,
                root?.Encrypted ?? false, root?.DeleteOnTermination ?? image.RootDeleteOnTermination),
        };

        var requested = mappings.Where(m => m.DeviceName != image.RootDeviceName).ToList();
        foreach (var inherited in image.AdditionalDevices)
        {
            var overriding = requested.FirstOrDefault(m => m.DeviceName == inherited.DeviceName);
            if (overriding is null)
            {
                planned.Add(Plan(state, inherited.DeviceName, inherited.VolumeSize, inherited.VolumeType, inherited.DeleteOnTermination,
                    inherited.SnapshotId, null, null, false));
            }
        }

        foreach (var mapping in requested)
        {
            var device = mapping.DeviceName ?? throw Ec2Errors.MissingParameter("BlockDeviceMapping.DeviceName");
            if (mapping.NoDevice || !mapping.HasEbs)
            {
                continue;
            }

            var inherited = image.AdditionalDevices.FirstOrDefault(d => d.DeviceName == device);
            planned.Add(Plan(state, device, mapping.VolumeSize ?? inherited?.VolumeSize, mapping.VolumeType ?? inherited?.VolumeType,
                mapping.DeleteOnTermination ?? inherited?.DeleteOnTermination ?? true, mapping.SnapshotId ?? inherited?.SnapshotId,
                mapping.Iops, mapping.Throughput, mapping.Encrypted ?? false));
        }

        return planned;
    }

    private LaunchVolume Plan(
        EmulatorState state, string device, int? requestedSize, string? requestedType, bool deleteOnTermination, string? snapshotId,
        int? iops, int? throughput, bool encrypted)
    {
        var snapshot = snapshotId is null ? null : ctx.Lookup.Snapshot(state, snapshotId);
        var size = requestedSize ?? snapshot?.VolumeSize
            ?? throw Ec2Errors.InvalidBlockDeviceMapping($"The device '{device}' must specify a volume size or a snapshot.");
        if (snapshot is not null && size < snapshot.VolumeSize)
        {
            throw Ec2Errors.InvalidBlockDeviceMapping(
                $"Volume of size {size}GB is smaller than snapshot '{snapshot.SnapshotId}', expect size >= {snapshot.VolumeSize}GB");
        }

        var volumeType = requestedType ?? VolumeTypes.Default;
        var (volumeIops, volumeThroughput) = VolumeTypes.Validate(volumeType, size, iops, throughput);
        return new LaunchVolume(device, size, volumeType, volumeIops, volumeThroughput, snapshotId, encrypted || snapshot?.Encrypted == true,
            deleteOnTermination);
    }
}
