namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>EBS volume types: valid sizes and default performance.</summary>
internal static class VolumeTypes
{
    public const string Default = "gp2";

    private static readonly Dictionary<string, (int Min, int Max)> Sizes = new(StringComparer.Ordinal)
    {
        ["gp3"] = (1, 65536),
        ["gp2"] = (1, 16384),
        ["io1"] = (4, 16384),
        ["io2"] = (4, 65536),
        ["st1"] = (125, 16384),
        ["sc1"] = (125, 16384),
        ["standard"] = (1, 1024),
    };

    /// <summary>Validates type and size; returns the volume's (iops, throughput).</summary>
    public static (int? Iops, int? Throughput) Validate(string type, int size, int? iops, int? throughput)
    {
        if (!Sizes.TryGetValue(type, out var range))
        {
            throw Ec2Errors.InvalidParameterValue(
                $"Value ({type}) for parameter volumeType is invalid. Valid values are: {string.Join(", ", Sizes.Keys)}.");
        }

        if (size < range.Min)
        {
            throw Ec2Errors.InvalidParameterValue($"Volume of {size}GiB is too small; minimum is {range.Min}GiB.");
        }

        if (size > range.Max)
        {
            throw Ec2Errors.InvalidParameterValue($"Volume of {size}GiB is too large; maximum is {range.Max}GiB.");
        }

        return type switch
        {
            "gp3" => (iops ?? 3000, throughput ?? 125),
            "gp2" => (Math.Clamp(size * 3, 100, 16000), null),
            "io1" or "io2" => (iops ?? throw Ec2Errors.MissingParameter("iops"), null),
            _ => (null, null),
        };
    }
}
