using StatefulSpot.Emulator.Ec2.Operations;

namespace StatefulSpot.Emulator.Ec2.Xml;

/// <summary>The SpotPrice shape (DescribeSpotPriceHistory).</summary>
internal static class SpotPriceXml
{
    public static void SpotPrice(Ec2XmlWriter x, SpotPriceItem p)
    {
        x.Element("instanceType", p.InstanceType);
        x.Element("productDescription", p.ProductDescription);
        x.Element("spotPrice", SpotPriceOperations.Format(p.Price));
        x.Element("timestamp", p.Timestamp);
        x.Element("availabilityZone", p.Zone);
        x.Element("availabilityZoneId", p.ZoneId);
    }
}
