namespace StatefulSpot.Emulator.Ec2.Query;

/// <summary>Reads <c>TagSpecification.N.ResourceType</c> + <c>TagSpecification.N.Tag.M.Key/Value</c>.</summary>
internal static class TagSpecifications
{
    public const string Instance = "instance";
    public const string Volume = "volume";
    public const string NetworkInterface = "network-interface";
    public const string Snapshot = "snapshot";
    public const string Image = "image";
    public const string ElasticIp = "elastic-ip";

    /// <summary>EC2's tag limits: 50 per resource, keys of 128 and values of 256 characters.</summary>
    public const int MaxTags = 50;
    public const int MaxKeyLength = 128;
    public const int MaxValueLength = 256;

    /// <summary>
    /// Tags per resource type. A resource type outside <paramref name="allowed"/> and <paramref name="ignored"/> is
    /// <c>InvalidParameterValue</c>; ignored types (valid for the call but not modelled) are accepted and dropped.
    /// </summary>
    public static IReadOnlyDictionary<string, Dictionary<string, string>> Parse(
        QueryNode request, IReadOnlyCollection<string> allowed, IReadOnlyCollection<string>? ignored = null)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var spec in request.List("TagSpecification"))
        {
            var type = spec.RequiredString("ResourceType");
            if (!allowed.Contains(type))
            {
                if (ignored?.Contains(type) == true)
                {
                    continue;
                }

                throw Ec2Errors.InvalidParameterValue($"'{type}' is not a valid taggable resource type for this operation.");
            }

            if (!result.TryGetValue(type, out var tags))
            {
                tags = new Dictionary<string, string>(StringComparer.Ordinal);
                result[type] = tags;
            }

            foreach (var tag in spec.List("Tag"))
            {
                var key = tag.RequiredString("Key");
                if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                {
                    throw Ec2Errors.InvalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use");
                }

                var value = tag.String("Value") ?? "";
                if (key.Length > MaxKeyLength)
                {
                    throw Ec2Errors.InvalidParameterValue($"Tag key exceeds the maximum length of {MaxKeyLength} characters");
                }

                if (value.Length > MaxValueLength)
                {
                    throw Ec2Errors.InvalidParameterValue($"Tag value exceeds the maximum length of {MaxValueLength} characters");
                }

                tags[key] = value;
            }

            if (tags.Count > MaxTags)
            {
                throw Ec2Errors.TagLimitExceeded();
            }
        }

        return result;
    }

    public static Dictionary<string, string> For(this IReadOnlyDictionary<string, Dictionary<string, string>> tags, string type) =>
        tags.TryGetValue(type, out var found) ? new Dictionary<string, string>(found, StringComparer.Ordinal) : new(StringComparer.Ordinal);
}
