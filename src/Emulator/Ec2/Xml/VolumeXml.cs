using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Xml;

/// <summary>The Volume and VolumeAttachment shapes.</summary>
internal sealed class VolumeXml(SharedXml shared)
{
    public void Volume(Ec2XmlWriter x, Volume v)
    {
        x.Element("volumeId", v.VolumeId);
        x.Element("size", v.Size);
        x.Element("snapshotId", v.SnapshotId ?? "");
        x.Element("availabilityZone", v.AvailabilityZone);
        x.Element("availabilityZoneId", shared.ZoneIdOf(v.AvailabilityZone));
        x.Element("status", v.State.ToWire());
        x.Element("createTime", v.CreateTime);
        x.Items<Volume>("attachmentSet", v.Attachment is null ? [] : [v], a => VolumeAttachment(x, a));
        x.Element("volumeType", v.VolumeType);
        x.Element("iops", v.Iops);
        x.Element("throughput", v.Throughput);
        x.Element("encrypted", v.Encrypted);
        x.Element("multiAttachEnabled", false);
        x.Tags(v.Tags);
    }

    public static void VolumeAttachment(Ec2XmlWriter x, Volume v)
    {
        var a = v.Attachment!;
        x.Element("volumeId", v.VolumeId);
        x.Element("instanceId", a.InstanceId);
        x.Element("device", a.Device);
        x.Element("status", a.State.ToWire());
        x.Element("attachTime", a.AttachTime);
        x.Element("deleteOnTermination", a.DeleteOnTermination);
    }
}
