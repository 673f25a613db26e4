using System.Globalization;
using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Ec2.Query;
using StatefulSpot.Emulator.Ec2.Xml;

namespace StatefulSpot.Emulator.Ec2.Actions;

/// <summary>DescribeSpotPriceHistory on the wire.</summary>
internal sealed class PricingActions(SpotPriceOperations prices)
{
    public void Register(Ec2ActionTable table) => table.ReadOnly("DescribeSpotPriceHistory", DescribeSpotPriceHistory);

    private void DescribeSpotPriceHistory(Ec2Call call)
    {
        var r = call.Request;
        var all = prices.History(new SpotPriceQuery(
            r.StringList("InstanceType"),
            r.StringList("ProductDescription"),
            r.String("AvailabilityZone"),
            Time(r, "StartTime"),
            Time(r, "EndTime"),
            Ec2Filter.Parse(r)));
        var (page, next) = Pagination.Apply(all, r.Int("MaxResults"), r.String("NextToken"), 1, 1000);
        call.Xml.Items("spotPriceHistorySet", page, p => SpotPriceXml.SpotPrice(call.Xml, p));
        call.Xml.Element("nextToken", next ?? "");
    }

    private static DateTimeOffset? Time(QueryNode r, string name) => r.String(name) is { } raw
        ? DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw Ec2Errors.InvalidValue(raw, name)
        : null;
}
