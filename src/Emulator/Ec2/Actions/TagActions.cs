using StatefulSpot.Emulator.Ec2.Operations;

namespace StatefulSpot.Emulator.Ec2.Actions;

/// <summary>CreateTags and DeleteTags on the wire.</summary>
internal sealed class TagActions(TagOperations tags)
{
    public void Register(Ec2ActionTable table) => table
        .Mutating("CreateTags", CreateTags)
        .Mutating("DeleteTags", DeleteTags);

    private void CreateTags(Ec2Call call)
    {
        var r = call.Request;
        tags.Create(call.State, r.StringList("ResourceId"),
            r.List("Tag").Select(t => new KeyValuePair<string, string>(t.String("Key") ?? "", t.String("Value") ?? "")).ToList());
        call.Xml.Element("return", true);
    }

    private void DeleteTags(Ec2Call call)
    {
        var r = call.Request;
        tags.Delete(call.State, r.StringList("ResourceId"),
            r.List("Tag").Select(t => new KeyValuePair<string, string?>(t.String("Key") ?? "", t.String("Value"))).ToList());
        call.Xml.Element("return", true);
    }
}
