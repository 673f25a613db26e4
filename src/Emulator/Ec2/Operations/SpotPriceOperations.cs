using System.Globalization;
using StatefulSpot.Emulator.Ec2.Query;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>One DescribeSpotPriceHistory item.</summary>
internal sealed record SpotPriceItem(string InstanceType, string ProductDescription, decimal Price, DateTimeOffset Timestamp, string Zone, string ZoneId);

/// <summary>DescribeSpotPriceHistory's parameters.</summary>
internal sealed record SpotPriceQuery(
    IReadOnlyList<string> InstanceTypes, IReadOnlyList<string> ProductDescriptions, string? AvailabilityZone, DateTimeOffset? StartTime,
    DateTimeOffset? EndTime, IReadOnlyList<Ec2Filter> Filters);

/// <summary>
/// Spot prices from the world file: constant per (type, zone) since <paramref name="pricesSince"/> (the emulator's start),
/// for the Linux product descriptions.
/// </summary>
internal sealed class SpotPriceOperations(Ec2Context ctx, DateTimeOffset pricesSince)
{
    public static readonly string[] ProductDescriptions = ["Linux/UNIX", "Linux/UNIX (Amazon VPC)"];

    private static readonly FilterFields<SpotPriceItem> Filters = new FilterFields<SpotPriceItem>()
        .Add("availability-zone", p => p.Zone)
        .Add("availability-zone-id", p => p.ZoneId)
        .Add("instance-type", p => p.InstanceType)
        .Add("product-description", p => p.ProductDescription)
        .Add("spot-price", p => Format(p.Price))
        .Add("timestamp", p => Xml.Ec2XmlWriter.Timestamp(p.Timestamp));

    public static string Format(decimal price) => price.ToString("0.000000", CultureInfo.InvariantCulture);

    public IReadOnlyList<SpotPriceItem> History(SpotPriceQuery query)
    {
        var unknownType = query.InstanceTypes.FirstOrDefault(t => ctx.Catalog.FindInstanceType(t) is null);
        if (unknownType is not null)
        {
            throw Ec2Errors.InvalidValue(unknownType, "InstanceType");
        }

        if (query.AvailabilityZone is { } requestedZone)
        {
            ctx.RequireZone(requestedZone);
        }

        if (query.StartTime is { } start && query.EndTime is { } end && end < start)
        {
            throw Ec2Errors.InvalidParameterValue("The end time must be later than the start time.");
        }

        var matches = Filters.Compile(query.Filters);
        var products = query.ProductDescriptions.Count > 0 ? query.ProductDescriptions : ProductDescriptions;
        if (query.EndTime is { } until && until < pricesSince)
        {
            return [];
        }

        return (from type in ctx.Catalog.InstanceTypes
                where query.InstanceTypes.Count == 0 || query.InstanceTypes.Contains(type.Name)
                from zone in ctx.Catalog.Zones
                where query.AvailabilityZone is null || query.AvailabilityZone == zone.Name
                from product in products
                where ProductDescriptions.Contains(product)
                select new SpotPriceItem(type.Name, product, ctx.Catalog.SpotPrice(type, zone.Name), pricesSince, zone.Name, zone.ZoneId))
            .Where(matches)
            .ToList();
    }
}
