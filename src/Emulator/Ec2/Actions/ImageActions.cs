using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Ec2.Query;
using StatefulSpot.Emulator.Ec2.Xml;

namespace StatefulSpot.Emulator.Ec2.Actions;

/// <summary>RegisterImage, CreateImage, DescribeImages, DeregisterImage on the wire.</summary>
internal sealed class ImageActions(ImageOperations images, ImageXml xml)
{
    private static readonly string[] RegisterTagTypes = [TagSpecifications.Image];
    private static readonly string[] CreateTagTypes = [TagSpecifications.Image, TagSpecifications.Snapshot];

    public void Register(Ec2ActionTable table) => table
        .Mutating("RegisterImage", RegisterImage)
        .Mutating("CreateImage", CreateImage)
        .ReadOnly("DescribeImages", DescribeImages)
        .Mutating("DeregisterImage", DeregisterImage);

    private void RegisterImage(Ec2Call call)
    {
        var r = call.Request;
        var image = images.Register(call.State, new RegisterImageArgs(
            r.String("Name"),
            r.String("Description"),
            r.String("ImageLocation"),
            r.String("RootDeviceName"),
            r.String("Architecture"),
            r.String("VirtualizationType"),
            r.Bool("EnaSupport"),
            Mappings(r),
            TagSpecifications.Parse(r, RegisterTagTypes).For(TagSpecifications.Image)));
        call.Xml.Element("imageId", image.ImageId);
    }

    private void CreateImage(Ec2Call call)
    {
        var r = call.Request;
        _ = r.Bool("NoReboot");
        var tags = TagSpecifications.Parse(r, CreateTagTypes);
        var image = images.Create(call.State, new CreateImageArgs(
            r.RequiredString("InstanceId"),
            r.String("Name"),
            r.String("Description"),
            Mappings(r),
            tags.For(TagSpecifications.Image),
            tags.For(TagSpecifications.Snapshot)));
        call.Xml.Element("imageId", image.ImageId);
    }

    private void DescribeImages(Ec2Call call)
    {
        var r = call.Request;
        var ids = r.StringList("ImageId");
        var maxResults = r.Int("MaxResults");
        if (ids.Count > 0 && maxResults is not null)
        {
            throw Ec2Errors.InvalidParameterCombination("The parameter ImageIds cannot be used with the parameter maxResults");
        }

        var all = images.Describe(call.State, ids, r.StringList("Owner"), Ec2Filter.Parse(r));
        var (page, next) = Pagination.Apply(all, maxResults, r.String("NextToken"), 5, 1000);
        call.Xml.Items("imagesSet", page, i => xml.Image(call.Xml, i));
        call.Xml.Element("nextToken", next);
    }

    private void DeregisterImage(Ec2Call call)
    {
        var r = call.Request;
        var deleted = images.Deregister(call.State, r.RequiredString("ImageId"), r.Bool("DeleteAssociatedSnapshots") ?? false);
        call.Xml.Element("return", true);
        if (deleted.Count > 0)
        {
            call.Xml.Items("deleteSnapshotResultSet", deleted, id =>
            {
                call.Xml.Element("snapshotId", id);
                call.Xml.Element("returnCode", "success");
            });
        }
    }

    private static List<ImageMappingArgs> Mappings(QueryNode r) => r.List("BlockDeviceMapping").Select(b => new ImageMappingArgs(
        b.String("DeviceName"),
        b.Has("NoDevice"),
        b.String("Ebs.SnapshotId"),
        b.Int("Ebs.VolumeSize"),
        b.String("Ebs.VolumeType"),
        b.Bool("Ebs.DeleteOnTermination"))).ToList();
}
