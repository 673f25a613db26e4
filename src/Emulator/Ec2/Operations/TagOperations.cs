using StatefulSpot.Emulator.Core;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>
/// CreateTags / DeleteTags on every taggable resource of the world: instances, volumes, network interfaces,
/// snapshots, images, Elastic IPs and subnets. All ids are checked before anything changes.
/// </summary>
internal sealed class TagOperations(Ec2Context ctx)
{
    public const int MaxTagsPerResource = 50;

    public void Create(EmulatorState state, IReadOnlyList<string> resourceIds, IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        if (tags.Count == 0)
        {
            throw Ec2Errors.MissingParameter("Tag");
        }

        foreach (var (key, _) in tags)
        {
            CheckKey(key);
        }

        var targets = Resolve(state, resourceIds);
        foreach (var target in targets)
        {
            if (target.Keys.Union(tags.Select(t => t.Key), StringComparer.Ordinal).Count() > MaxTagsPerResource)
            {
                throw Ec2Errors.TagLimitExceeded();
            }
        }

        foreach (var target in targets)
        {
            foreach (var (key, value) in tags)
            {
                target[key] = value;
            }
        }
    }

    /// <summary>Removes the tags (a tag with a value only when the value matches); no tags removes every tag.</summary>
    public void Delete(EmulatorState state, IReadOnlyList<string> resourceIds, IReadOnlyList<KeyValuePair<string, string?>> tags)
    {
        foreach (var (key, _) in tags)
        {
            CheckKey(key);
        }

        foreach (var target in Resolve(state, resourceIds))
        {
            if (tags.Count == 0)
            {
                target.Clear();
                continue;
            }

            foreach (var (key, value) in tags)
            {
                if (value is null || (target.TryGetValue(key, out var current) && current == value))
                {
                    target.Remove(key);
                }
            }
        }
    }

    private static void CheckKey(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw Ec2Errors.MissingParameter("Tag.Key");
        }

        if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            throw Ec2Errors.InvalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use");
        }

        if (key.Length > 128)
        {
            throw Ec2Errors.InvalidParameterValue($"Tag key exceeds the maximum length of 128 characters: {key}");
        }
    }

    private List<Dictionary<string, string>> Resolve(EmulatorState state, IReadOnlyList<string> resourceIds)
    {
        if (resourceIds.Count == 0)
        {
            throw Ec2Errors.MissingParameter("ResourceId");
        }

        return resourceIds.Distinct(StringComparer.Ordinal).Select(id => id[..Math.Max(0, id.IndexOf('-', StringComparison.Ordinal))] switch
        {
            "i" => ctx.Lookup.Instance(state, id).Tags,
            "vol" => ctx.Lookup.Volume(state, id).Tags,
            "eni" => ctx.Lookup.NetworkInterface(state, id).Tags,
            "snap" => ctx.Lookup.Snapshot(state, id).Tags,
            "ami" => ctx.Lookup.Image(state, id).Tags,
            "eipalloc" => ctx.Lookup.Address(state, id).Tags,
            "subnet" => SubnetTags(state, id),
            _ => throw Ec2Errors.InvalidId(id),
        }).ToList();
    }

    private Dictionary<string, string> SubnetTags(EmulatorState state, string subnetId)
    {
        _ = ctx.RequireSubnet(subnetId);
        if (!state.Ec2.SubnetTags.TryGetValue(subnetId, out var tags))
        {
            tags = new Dictionary<string, string>(StringComparer.Ordinal);
            state.Ec2.SubnetTags[subnetId] = tags;
        }

        return tags;
    }
}
