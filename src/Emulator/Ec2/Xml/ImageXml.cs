using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Xml;

/// <summary>The Image shape (DescribeImages).</summary>
internal sealed class ImageXml(SharedXml shared)
{
    public void Image(Ec2XmlWriter x, MachineImage i)
    {
        var ownerId = i.OwnerAlias is null ? shared.OwnerId : Snapshot.AmazonOwnerId;
        x.Element("imageId", i.ImageId);
        x.Element("imageLocation", (i.OwnerAlias ?? ownerId) + "/" + i.Name);
        x.Element("imageState", i.State.ToWire());
        x.Element("imageOwnerId", ownerId);
        x.Element("creationDate", Ec2XmlWriter.Timestamp(i.CreationDate));
        x.Element("isPublic", i.OwnerAlias is not null);
        x.Element("architecture", i.Architecture);
        x.Element("imageType", "machine");
        x.Element("imageOwnerAlias", i.OwnerAlias);
        x.Element("name", i.Name);
        x.Element("description", i.Description);
        x.Element("rootDeviceType", "ebs");
        x.Element("rootDeviceName", i.RootDeviceName);
        x.Items("blockDeviceMapping", Mappings(i), d =>
        {
            x.Element("deviceName", d.DeviceName);
            x.Struct("ebs", () =>
            {
                x.Element("snapshotId", d.SnapshotId);
                x.Element("volumeSize", d.VolumeSize);
                x.Element("deleteOnTermination", d.DeleteOnTermination);
                x.Element("volumeType", d.VolumeType);
                x.Element("encrypted", false);
            });
        });
        x.Element("virtualizationType", i.VirtualizationType);
        x.Element("hypervisor", "xen");
        x.Element("enaSupport", i.EnaSupport);
        x.Element("platformDetails", "Linux/UNIX");
        x.Element("usageOperation", "RunInstances");
        x.Element("sourceInstanceId", i.SourceInstanceId);
        if (i.StateReason is { } reason)
        {
            x.Struct("stateReason", () =>
            {
                x.Element("code", reason.Split(':')[0]);
                x.Element("message", reason);
            });
        }

        x.Tags(i.Tags);
    }

    private static IEnumerable<ImageBlockDevice> Mappings(MachineImage i) =>
        new[] { new ImageBlockDevice(i.RootDeviceName, i.RootSnapshotId, i.RootVolumeSize, i.RootVolumeType, i.RootDeleteOnTermination) }
            .Concat(i.AdditionalDevices);
}
