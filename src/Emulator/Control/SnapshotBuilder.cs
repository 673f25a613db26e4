using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Sqs;

namespace StatefulSpot.Emulator.Control;

/// <summary>Copies the world into the public <see cref="WorldSnapshot"/> records (inside the world lock).</summary>
internal sealed class SnapshotBuilder(QueueOperations queues, CapacityOperations capacity, SimulationClock clock, EmulatorOptions options)
{
    private readonly DurationsInfo _durations = DurationsInfo.Of(options);

    public WorldSnapshot Build(EmulatorState state, string serviceUrl, ThrottlingInfo throttling)
    {
        var now = clock.Now;
        var ec2 = state.Ec2;
        var instances = ec2.Instances.Values.OrderBy(i => i.Sequence).Select(i =>
        {
            var view = new InstanceView(i, ec2);
            return new InstanceInfo(
                i.InstanceId,
                i.State.ToWire(),
                i.InstanceType,
                i.ImageId,
                i.Market,
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
                i.InterruptionActionTime)
            {
                PublicIpAddress = view.PublicIpAddress,
                RebalanceRecommendationTime = i.RebalanceRecommendationTime,
                ScheduledWarningTime = i.ScheduledWarningTime,
                DisableApiTermination = i.DisableApiTermination,
            };
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
            Copy(n.Tags))
        {
            SecondaryPrivateIpAddresses = [.. n.SecondaryPrivateIpAddresses],
        }).ToList();

        var queueInfos = state.Sqs.Queues.Values.OrderBy(q => q.Name, StringComparer.Ordinal).Select(q =>
        {
            var live = q.Messages.Where(m => !MessageOperations.IsExpired(q, m, now)).ToList();
            return new QueueInfo(
                q.Name,
                queues.QueueUrl(serviceUrl, q.Name),
                live.Count(m => m.VisibleAt <= now),
                live.Count(m => m.IsInFlight(now)),
                live.Count(m => m.IsDelayed(now)));
        }).ToList();

        return new WorldSnapshot(now, instances, volumes, interfaces, queueInfos)
        {
            Snapshots = ec2.Snapshots.Values.OrderBy(s => s.Sequence).Select(s => new SnapshotInfo(
                s.SnapshotId, s.VolumeId, s.State.ToWire(), s.Progress(now), s.VolumeSize, s.StartTime,
                s.State == SnapshotState.Completed ? s.CompletionTime : null, s.OwnerAlias, Copy(s.Tags))).ToList(),
            Images = ec2.Images.Values.OrderBy(i => i.Sequence).Select(i => new ImageInfo(
                i.ImageId, i.Name, i.State.ToWire(), i.RootDeviceName, i.SnapshotIds.ToList(), i.SourceInstanceId, i.OwnerAlias,
                Copy(i.Tags))).ToList(),
            Addresses = ec2.Addresses.Values.OrderBy(a => a.Sequence).Select(a => new AddressInfo(
                a.AllocationId, a.PublicIp, a.AssociationId, a.NetworkInterfaceId, AddressOperations.InstanceOf(state, a), a.PrivateIpAddress,
                Copy(a.Tags))).ToList(),
            Capacity = capacity.All(state).Select(p => new CapacityPoolInfo(p.InstanceType, p.Zone, p.Market, p.Capacity, p.InUse)).ToList(),
            TimeScale = clock.TimeScale,
            Throttling = throttling,
            Durations = _durations,
        };
    }

    private static Dictionary<string, string> Copy(Dictionary<string, string> tags) => new(tags, StringComparer.Ordinal);
}
