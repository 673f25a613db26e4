using System.Text.RegularExpressions;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// The limits EC2 (and our own keys) put on a spec's text and lists: checked before anything is created, so that a
/// spec EC2 would refuse half-way is refused whole, with one sentence per problem.
/// </summary>
public static partial class SpecValidator
{
    /// <summary>Data volumes per instance: EC2's Nitro instances take 28 attachments, shared with the root volume and ENIs.</summary>
    public const int MaxDataVolumes = 24;

    /// <summary>EC2 takes 50 tags per resource; StatefulSpot adds Name, its managed-instance, generation and device tags.</summary>
    public const int MaxUserTags = 46;

    public const int MaxTagKeyLength = 128;
    public const int MaxTagValueLength = 256;

    /// <summary>EC2's limit on user data, before base64.</summary>
    public const int MaxUserDataBytes = 16 * 1024;

    /// <summary>Security groups per network interface (EC2's default quota).</summary>
    public const int MaxSecurityGroups = 5;

    public const int MaxNameLength = 128;
    public const int MaxSubnets = 16;
    public const int MaxInstanceTypes = 40;

    private static void ValidateText(ManagedInstanceSpec spec, string? region, List<string> problems)
    {
        CheckText("name", spec.Name, MaxNameLength, problems);
        if (spec.Region is { } asked && region is not null && !string.Equals(asked, region, StringComparison.Ordinal))
        {
            problems.Add($"'region' is '{Printable(asked)}', but this cluster manages {region}; leave 'region' out or run a cluster for {Printable(asked)}.");
        }

        if (spec.SubnetIds is { Count: > MaxSubnets } subnets)
        {
            problems.Add($"'subnetIds' has {subnets.Count} subnets; list at most {MaxSubnets}.");
        }

        if (spec.Network?.PrivateIpPool is { Length: > 0 } pool)
        {
            CheckText("network.privateIpPool", pool, MaxNameLength, problems);
        }
    }

    private static void ValidateLaunchText(LaunchSpecification launch, List<string> problems)
    {
        if (launch.InstanceTypes is { } types && types.Preferred.Count + (types.Others?.Count ?? 0) > MaxInstanceTypes)
        {
            problems.Add($"'launchSpecification.instanceTypes' lists {types.Preferred.Count + (types.Others?.Count ?? 0)} types; list at most {MaxInstanceTypes}.");
        }

        ValidateTags(launch.Tags ?? new Dictionary<string, string>(), problems);
        var groups = launch.SecurityGroupIds ?? [];
        if (groups.Count > MaxSecurityGroups)
        {
            problems.Add($"'launchSpecification.securityGroupIds' has {groups.Count} groups; EC2 takes at most {MaxSecurityGroups} per network interface.");
        }

        foreach (var group in groups.Where(g => !SecurityGroupId().IsMatch(g ?? "")))
        {
            problems.Add($"'launchSpecification.securityGroupIds' has '{Printable(group)}', which is not a security group id (sg-…).");
        }

        foreach (var group in groups.GroupBy(g => g, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"'launchSpecification.securityGroupIds' lists '{Printable(group.Key)}' twice.");
        }

        if (launch.KeyPair is not null)
        {
            CheckText("launchSpecification.keyPair", launch.KeyPair, 255, problems);
        }

        if (launch.IamInstanceProfile is not null)
        {
            CheckText("launchSpecification.iamInstanceProfile", launch.IamInstanceProfile, 2048, problems);
        }

        if (launch.UserData is { } userData)
        {
            var bytes = new byte[userData.Length];
            if (!Convert.TryFromBase64String(userData, bytes, out var length))
            {
                problems.Add("'launchSpecification.userData' is not base64; encode the script (base64 -w0 script.sh).");
            }
            else if (length > MaxUserDataBytes)
            {
                problems.Add($"'launchSpecification.userData' is {length} bytes before base64; EC2 takes at most {MaxUserDataBytes}.");
            }
        }
    }

    private static void ValidateTags(IReadOnlyDictionary<string, string> tags, List<string> problems)
    {
        if (tags.Count > MaxUserTags)
        {
            problems.Add($"'launchSpecification.tags' has {tags.Count} tags; EC2 takes 50 per resource and StatefulSpot adds 4, so at most {MaxUserTags}.");
            return;
        }

        foreach (var (key, value) in tags)
        {
            if (string.IsNullOrEmpty(key) || key.Length > MaxTagKeyLength || HasControl(key))
            {
                problems.Add($"'launchSpecification.tags' has the key '{Printable(key)}'; a key has 1 to {MaxTagKeyLength} printable characters.");
            }
            else if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"'launchSpecification.tags' has the key '{Printable(key)}'; keys starting with aws: are AWS's own.");
            }
            else if (key.StartsWith("statefulspot:", StringComparison.Ordinal) || key == TagKeys.Name)
            {
                problems.Add($"'launchSpecification.tags' has the key '{Printable(key)}', which StatefulSpot sets itself ('name' is the Name tag).");
            }

            if ((value?.Length ?? 0) > MaxTagValueLength || HasControl(value))
            {
                problems.Add($"'launchSpecification.tags' has a value of '{Printable(key)}' that is not 0 to {MaxTagValueLength} printable characters.");
            }
        }
    }

    /// <summary>Required text: at most <paramref name="maxLength"/> characters, none of them a control character.</summary>
    private static void CheckText(string field, string? text, int maxLength, List<string> problems)
    {
        if (text is null)
        {
            return;
        }

        if (text.Length > maxLength)
        {
            problems.Add($"'{field}' has {text.Length} characters; keep it to {maxLength}.");
        }

        if (HasControl(text))
        {
            problems.Add($"'{field}' contains a control character (a NUL, tab or line break); remove it.");
        }
    }

    private static bool HasControl(string? text) => text is not null && text.Any(char.IsControl);

    private static string Printable(string? text) => ManagedInstanceIds.Printable(text);

    [GeneratedRegex("^sg-[0-9a-f]{8,17}\\z")]
    private static partial Regex SecurityGroupId();
}
