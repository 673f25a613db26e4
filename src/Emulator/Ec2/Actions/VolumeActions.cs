using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Ec2.Query;
using StatefulSpot.Emulator.Ec2.Xml;

namespace StatefulSpot.Emulator.Ec2.Actions;

/// <summary>CreateVolume, DescribeVolumes, AttachVolume, DetachVolume, DeleteVolume on the wire.</summary>
internal sealed class VolumeActions(VolumeOperations volumes, VolumeXml xml)
{
    private static readonly string[] VolumeTagTypes = [TagSpecifications.Volume];

    public void Register(Ec2ActionTable table) => table
        .Mutating("CreateVolume", CreateVolume)
        .ReadOnly("DescribeVolumes", DescribeVolumes)
        .Mutating("AttachVolume", AttachVolume)
        .Mutating("DetachVolume", DetachVolume)
        .Mutating("DeleteVolume", DeleteVolume);

    private void CreateVolume(Ec2Call call)
    {
        var r = call.Request;
        var volume = volumes.Create(call.State, new CreateVolumeArgs(
            r.String("AvailabilityZone"),
            r.Int("Size"),
            r.String("SnapshotId"),
            r.String("VolumeType"),
            r.Int("Iops"),
            r.Int("Throughput"),
            r.Bool("Encrypted") ?? false,
            TagSpecifications.Parse(r, VolumeTagTypes).For(TagSpecifications.Volume),
            r.String("ClientToken"),
            r.Fingerprint("ClientToken", "Version")));
        xml.Volume(call.Xml, volume);
    }

    private void DescribeVolumes(Ec2Call call)
    {
        var r = call.Request;
        var (page, next) = volumes.Describe(call.State, r.StringList("VolumeId"), Ec2Filter.Parse(r), r.Int("MaxResults"), r.String("NextToken"));
        call.Xml.Items("volumeSet", page, v => xml.Volume(call.Xml, v));
        call.Xml.Element("nextToken", next);
    }

    private void AttachVolume(Ec2Call call)
    {
        var r = call.Request;
        var volume = volumes.Attach(call.State, r.RequiredString("VolumeId"), r.RequiredString("InstanceId"), r.RequiredString("Device"));
        VolumeXml.VolumeAttachment(call.Xml, volume);
    }

    private void DetachVolume(Ec2Call call)
    {
        var r = call.Request;
        var volume = volumes.Detach(call.State, r.RequiredString("VolumeId"), r.String("InstanceId"), r.String("Device"), r.Bool("Force") ?? false);
        VolumeXml.VolumeAttachment(call.Xml, volume);
    }

    private void DeleteVolume(Ec2Call call)
    {
        volumes.Delete(call.State, call.Request.RequiredString("VolumeId"));
        call.Xml.Element("return", true);
    }
}
