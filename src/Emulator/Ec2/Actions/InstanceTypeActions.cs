using System.Globalization;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Query;

namespace StatefulSpot.Emulator.Ec2.Actions;

/// <summary>
/// DescribeInstanceTypeOfferings and DescribeInstanceTypes over the world's instance types and zones: a type is offered
/// in the zones its world entry lists (<see cref="InstanceTypeSpec.Zones"/>), else in every zone of the region.
/// </summary>
internal sealed class InstanceTypeActions(Catalog catalog, EmulatorOptions options)
{
    private const string Region = "region";
    private const string Zone = "availability-zone";
    private const string ZoneId = "availability-zone-id";

    private static readonly FilterFields<Offering> OfferingFilters = new FilterFields<Offering>()
        .Add("instance-type", o => o.InstanceType)
        .Add("location", o => o.Location);

    private static readonly FilterFields<InstanceTypeSpec> TypeFilters = new FilterFields<InstanceTypeSpec>()
        .Add("instance-type", t => t.Name)
        .Add("vcpu-info.default-vcpus", t => t.VCpus.ToString(CultureInfo.InvariantCulture))
        .Add("memory-info.size-in-mib", t => t.MemoryMiB.ToString(CultureInfo.InvariantCulture))
        .Add("current-generation", _ => "true")
        .Add("processor-info.supported-architecture", _ => "x86_64");

    public void Register(Ec2ActionTable table) => table
        .ReadOnly("DescribeInstanceTypeOfferings", DescribeInstanceTypeOfferings)
        .ReadOnly("DescribeInstanceTypes", DescribeInstanceTypes);

    private void DescribeInstanceTypeOfferings(Ec2Call call)
    {
        var r = call.Request;
        var locationType = r.String("LocationType") ?? Region;
        var offered = catalog.InstanceTypes.SelectMany(t => catalog.Zones.Where(z => t.IsOfferedIn(z.Name)).Select(z => (Type: t.Name, Zone: z)));
        IEnumerable<Offering> offerings = locationType switch
        {
            Region => offered.Select(o => o.Type).Distinct().Select(t => new Offering(t, Region, options.Region)),
            Zone => offered.Select(o => new Offering(o.Type, Zone, o.Zone.Name)),
            ZoneId => offered.Select(o => new Offering(o.Type, ZoneId, o.Zone.ZoneId)),
            _ => throw Ec2Errors.InvalidParameterValue(
                $"Value ({locationType}) for parameter locationType is invalid. Supported values: region, availability-zone, availability-zone-id."),
        };
        var all = offerings.Where(OfferingFilters.Compile(Ec2Filter.Parse(r))).ToList();
        var (page, next) = Pagination.Apply(all, r.Int("MaxResults"), r.String("NextToken"), 5, 1000);
        call.Xml.Items("instanceTypeOfferingSet", page, o =>
        {
            call.Xml.Element("instanceType", o.InstanceType);
            call.Xml.Element("locationType", o.LocationType);
            call.Xml.Element("location", o.Location);
        });
        call.Xml.Element("nextToken", next);
    }

    private void DescribeInstanceTypes(Ec2Call call)
    {
        var r = call.Request;
        var names = r.StringList("InstanceType");
        var unknown = names.Where(n => catalog.FindInstanceType(n) is null).ToList();
        if (unknown.Count > 0)
        {
            throw Ec2Errors.InvalidInstanceType(unknown);
        }

        var all = catalog.InstanceTypes
            .Where(t => names.Count == 0 || names.Contains(t.Name, StringComparer.Ordinal))
            .Where(TypeFilters.Compile(Ec2Filter.Parse(r)))
            .ToList();
        var (page, next) = Pagination.Apply(all, r.Int("MaxResults"), r.String("NextToken"), 5, 100);
        var x = call.Xml;
        x.Items("instanceTypeSet", page, t =>
        {
            x.Element("instanceType", t.Name);
            x.Element("currentGeneration", true);
            x.Element("freeTierEligible", false);
            x.Items<string>("supportedUsageClasses", ["on-demand", "spot"], x.Value);
            x.Items<string>("supportedRootDeviceTypes", ["ebs"], x.Value);
            x.Items<string>("supportedVirtualizationTypes", ["hvm"], x.Value);
            x.Element("bareMetal", false);
            x.Element("hypervisor", "nitro");
            x.Struct("processorInfo", () => x.Items<string>("supportedArchitectures", ["x86_64"], x.Value));
            x.Struct("vCpuInfo", () =>
            {
                x.Element("defaultVCpus", t.VCpus);
                x.Element("defaultCores", t.CoreCount);
                x.Element("defaultThreadsPerCore", t.ThreadsPerCore);
            });
            x.Struct("memoryInfo", () => x.Element("sizeInMiB", t.MemoryMiB));
            x.Element("instanceStorageSupported", false);
            x.Struct("ebsInfo", () =>
            {
                x.Element("ebsOptimizedSupport", "default");
                x.Element("encryptionSupport", "supported");
                x.Element("nvmeSupport", "required");
            });
            x.Struct("networkInfo", () =>
            {
                x.Element("ipv4AddressesPerInterface", t.Ipv4AddressesPerInterface);
                x.Element("enaSupport", "required");
            });
        });
        x.Element("nextToken", next);
    }

    private sealed record Offering(string InstanceType, string LocationType, string Location);
}
