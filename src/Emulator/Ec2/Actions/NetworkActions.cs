using System.Globalization;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Ec2.Query;
using StatefulSpot.Emulator.Ec2.Xml;

namespace StatefulSpot.Emulator.Ec2.Actions;

/// <summary>DescribeSubnets, DescribeAvailabilityZones and DescribeSecurityGroups over the static catalog.</summary>
internal sealed class NetworkActions(Catalog catalog, EmulatorOptions options, NetworkXml xml)
{
    private static readonly Dictionary<string, string> NoTags = new(StringComparer.Ordinal);

    private readonly FilterFields<(SubnetInfo Subnet, IReadOnlyDictionary<string, string> Tags)> _subnetFilters =
        new FilterFields<(SubnetInfo Subnet, IReadOnlyDictionary<string, string> Tags)>(s => s.Tags)
            .Add("subnet-id", s => s.Subnet.SubnetId)
            .Add("availability-zone", s => s.Subnet.Zone)
            .Add("availability-zone-id", s => s.Subnet.ZoneId)
            .Add("vpc-id", _ => catalog.VpcId)
            .Add("cidr-block", s => s.Subnet.Cidr.ToString())
            .Add("cidr", s => s.Subnet.Cidr.ToString())
            .Add("default-for-az", s => catalog.DefaultSubnetFor(s.Subnet.Zone) == s.Subnet ? "true" : "false")
            .Add("state", _ => "available");

    private readonly FilterFields<ZoneInfo> _zoneFilters = new FilterFields<ZoneInfo>()
        .Add("zone-name", z => z.Name)
        .Add("zone-id", z => z.ZoneId)
        .Add("state", _ => "available")
        .Add("region-name", _ => options.Region)
        .Add("zone-type", _ => "availability-zone")
        .Add("group-name", z => z.GroupName)
        .Add("opt-in-status", _ => "opt-in-not-required");

    public void Register(Ec2ActionTable table) => table
        .ReadOnly("DescribeSubnets", DescribeSubnets)
        .ReadOnly("DescribeAvailabilityZones", DescribeAvailabilityZones)
        .ReadOnly("DescribeSecurityGroups", DescribeSecurityGroups);

    /// <summary>The VPC's groups (by GroupId.N, else all); an unknown id is InvalidGroup.NotFound, as EC2 answers.</summary>
    private void DescribeSecurityGroups(Ec2Call call)
    {
        var ids = call.Request.StringList("GroupId");
        if (ids.FirstOrDefault(id => !catalog.SecurityGroupIds.Contains(id, StringComparer.Ordinal)) is { } unknown)
        {
            throw new Ec2Exception("InvalidGroup.NotFound", $"The security group '{unknown}' does not exist");
        }

        var groups = catalog.SecurityGroupIds.Where(g => ids.Count == 0 || ids.Contains(g));
        call.Xml.Items("securityGroupInfo", groups, g => xml.SecurityGroup(call.Xml, g, g == catalog.DefaultSecurityGroupId));
    }

    private void DescribeSubnets(Ec2Call call)
    {
        var r = call.Request;
        var ids = r.StringList("SubnetId");
        var missing = ids.Where(id => catalog.FindSubnet(id) is null).ToList();
        if (missing.Count > 0)
        {
            throw Ec2Errors.SubnetsNotFound(missing);
        }

        var matches = _subnetFilters.Compile(Ec2Filter.Parse(r));
        var all = catalog.Subnets.Where(s => ids.Count == 0 || ids.Contains(s.SubnetId))
            .Select(s => (Subnet: s, Tags: (IReadOnlyDictionary<string, string>)call.State.Ec2.SubnetTags.GetValueOrDefault(s.SubnetId, NoTags)))
            .Where(matches)
            .ToList();
        var (page, next) = Pagination.Apply(all, r.Int("MaxResults"), r.String("NextToken"), 5, 1000);
        call.Xml.Items("subnetSet", page, s =>
            xml.Subnet(call.Xml, s.Subnet, s.Subnet.Cidr.UsableCount - PrivateAddresses.UsedCount(call.State.Ec2, s.Subnet.SubnetId), s.Tags));
        call.Xml.Element("nextToken", next);
    }

    private void DescribeAvailabilityZones(Ec2Call call)
    {
        var r = call.Request;
        var names = r.StringList("ZoneName");
        var zoneIds = r.StringList("ZoneId");
        var unknown = names.FirstOrDefault(n => catalog.FindZone(n) is null)
            ?? zoneIds.FirstOrDefault(id => catalog.Zones.All(z => z.ZoneId != id));
        if (unknown is not null)
        {
            throw Ec2Errors.InvalidParameterValue(string.Create(CultureInfo.InvariantCulture, $"The zone '{unknown}' does not exist."));
        }

        var matches = _zoneFilters.Compile(Ec2Filter.Parse(r));
        var zones = catalog.Zones
            .Where(z => (names.Count == 0 && zoneIds.Count == 0) || names.Contains(z.Name) || zoneIds.Contains(z.ZoneId))
            .Where(matches);
        call.Xml.Items("availabilityZoneInfo", zones, z => xml.Zone(call.Xml, z));
    }
}
