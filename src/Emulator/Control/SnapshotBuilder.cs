using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Sqs;

namespace StatefulSpot.Emulator.Control;

/// <summary>Copies the world into the public <see cref="WorldSnapshot"/> records (inside the world lock).</summary>
internal static class SnapshotBuilder
{
    public static WorldSnapshot Build(EmulatorState state, QueueOperations queues, string serviceUrl, DateTimeOffset now)
    {
        var ec2 = state.Ec2;
        var instances = ec2.Instances.Values.OrderBy(i => i.Sequence).Select(i =>
        {
            var view = new InstanceView(i, ec2);
            return new InstanceInfo(
                i.InstanceId,
                i.State.ToWire(),
                i.InstanceType,
                i.ImageId,
                i.IsSpot ? "spot" : "on-demand",
                i.AvailabilityZone,
                i.SubnetId,
                view.PrivateIpAddress,
                view.Interfaces.Select(n => n.NetworkInterfaceId).ToList(),
                view.Volumes.Select(v => new BlockDeviceInfo(
                    v.Attachment!.Device, v.VolumeId, v.Attachment.State.ToWire(), v.Attachment.DeleteOnTermination)).ToList(),
                Copy(i.Tags),
                i.LaunchTime,
                i.StateReasonCode,
                i.InterruptionNoticeTime,
                i.InterruptionActionTime);
        }).ToList();

        var volumes = ec2.Volumes.Values.OrderBy(v => v.Sequence).Select(v => new VolumeInfo(
            v.VolumeId,
            v.AvailabilityZone,
            v.State.ToWire(),
            v.Size,
            v.VolumeType,
            v.SnapshotId,
            v.Attachment is { } a ? [new VolumeAttachmentInfo(a.InstanceId, a.Device, a.State.ToWire(), a.DeleteOnTermination)] : [],
            Copy(v.Tags))).ToList();

        var interfaces = ec2.NetworkInterfaces.Values.OrderBy(n => n.Sequence).Select(n => new NetworkInterfaceInfo(
            n.NetworkInterfaceId,
            n.SubnetId,
            n.AvailabilityZone,
            n.PrivateIpAddress,
            n.Status.ToWire(),
            n.Attachment is { } a
                ? new NetworkInterfaceAttachmentInfo(a.AttachmentId, a.InstanceId, a.DeviceIndex, a.State.ToWire(), a.DeleteOnTermination)
                : null,
            Copy(n.Tags))).ToList();

        var queueInfos = state.Sqs.Queues.Values.OrderBy(q => q.Name, StringComparer.Ordinal).Select(q => new QueueInfo(
            q.Name,
            queues.QueueUrl(serviceUrl, q.Name),
            q.Messages.Count(m => m.VisibleAt <= now),
            q.Messages.Count(m => m.IsInFlight(now)),
            q.Messages.Count(m => m.IsDelayed(now)))).ToList();

        return new WorldSnapshot(now, instances, volumes, interfaces, queueInfos);
    }

    private static Dictionary<string, string> Copy(Dictionary<string, string> tags) => new(tags, StringComparer.Ordinal);
}
