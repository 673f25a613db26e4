using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Ec2.Query;
using StatefulSpot.Emulator.Ec2.Xml;

namespace StatefulSpot.Emulator.Ec2.Actions;

/// <summary>CreateSnapshot, DescribeSnapshots, DeleteSnapshot on the wire.</summary>
internal sealed class SnapshotActions(SnapshotOperations snapshots, SnapshotXml xml)
{
    private static readonly string[] SnapshotTagTypes = [TagSpecifications.Snapshot];

    public void Register(Ec2ActionTable table) => table
        .Mutating("CreateSnapshot", CreateSnapshot)
        .ReadOnly("DescribeSnapshots", DescribeSnapshots)
        .Mutating("DeleteSnapshot", DeleteSnapshot);

    private void CreateSnapshot(Ec2Call call)
    {
        var r = call.Request;
        var snapshot = snapshots.Create(call.State, r.RequiredString("VolumeId"), r.String("Description"),
            TagSpecifications.Parse(r, SnapshotTagTypes).For(TagSpecifications.Snapshot));
        xml.Snapshot(call.Xml, snapshot);
    }

    private void DescribeSnapshots(Ec2Call call)
    {
        var r = call.Request;
        var ids = r.StringList("SnapshotId");
        var maxResults = r.Int("MaxResults");
        if (ids.Count > 0 && maxResults is not null)
        {
            throw Ec2Errors.InvalidParameterCombination("The parameter SnapshotIds cannot be used with the parameter maxResults");
        }

        var all = snapshots.Describe(call.State, ids, r.StringList("Owner"), Ec2Filter.Parse(r));
        var (page, next) = Pagination.Apply(all, maxResults, r.String("NextToken"), 5, 1000);
        call.Xml.Items("snapshotSet", page, s => xml.Snapshot(call.Xml, s));
        call.Xml.Element("nextToken", next);
    }

    private void DeleteSnapshot(Ec2Call call)
    {
        snapshots.Delete(call.State, call.Request.RequiredString("SnapshotId"));
        call.Xml.Element("return", true);
    }
}
