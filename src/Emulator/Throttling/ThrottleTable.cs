using StatefulSpot.Emulator.Ec2.Query;

namespace StatefulSpot.Emulator.Throttling;

/// <summary>
/// Which bucket an EC2 call draws from, with AWS's default sizes (docs: "Request throttling for the Amazon EC2 API";
/// aws-wire.md section 3). Every action has its own request bucket, sized by its category; the instance lifecycle
/// actions also draw one resource token per instance.
/// </summary>
internal static class ThrottleTable
{
    public static readonly BucketSpec NonMutating = new(100, 20);
    public static readonly BucketSpec UnfilteredNonMutating = new(50, 10);
    public static readonly BucketSpec Mutating = new(50, 5);

    /// <summary>Actions that draw from the smaller bucket when called with neither a filter nor pagination.</summary>
    private static readonly HashSet<string> UnfilteredCategory = new(StringComparer.Ordinal)
    {
        "DescribeInstances", "DescribeInstanceStatus", "DescribeNetworkInterfaces", "DescribeSecurityGroups", "DescribeSnapshots",
        "DescribeSpotInstanceRequests", "DescribeVolumes",
    };

    /// <summary>Actions with buckets of their own ("uncategorized actions").</summary>
    private static readonly Dictionary<string, BucketSpec> Uncategorized = new(StringComparer.Ordinal)
    {
        ["RunInstances"] = new(5, 2),
        ["StartInstances"] = new(5, 2),
        ["TerminateInstances"] = new(100, 5),
        ["CreateVolume"] = new(100, 5),
        ["DeleteVolume"] = new(100, 5),
        ["CreateSnapshot"] = new(100, 5),
        ["DeleteSnapshot"] = new(100, 5),
        ["CreateNetworkInterface"] = new(100, 5),
        ["DeleteNetworkInterface"] = new(100, 5),
        ["ModifyNetworkInterfaceAttribute"] = new(100, 5),
        ["AssignPrivateIpAddresses"] = new(100, 5),
        ["UnassignPrivateIpAddresses"] = new(100, 5),
        ["CreateTags"] = new(100, 10),
        ["DeleteTags"] = new(100, 10),
        ["DeregisterImage"] = new(100, 5),
    };

    /// <summary>Instance resource buckets: one token per instance the call touches.</summary>
    private static readonly Dictionary<string, BucketSpec> Resources = new(StringComparer.Ordinal)
    {
        ["RunInstances"] = new(1000, 2),
        ["StartInstances"] = new(1000, 2),
        ["TerminateInstances"] = new(1000, 20),
        ["StopInstances"] = new(1000, 20),
    };

    /// <summary>Parameters that neither filter nor paginate.</summary>
    private static readonly HashSet<string> NeutralParameters = new(StringComparer.Ordinal)
    {
        "Action", "Version", "DryRun", "IncludeAllInstances",
    };

    /// <summary>The request bucket: its key (the action, or the action's unfiltered bucket) and size.</summary>
    public static (string Key, BucketSpec Spec) RequestBucket(string action, QueryNode request)
    {
        if (Uncategorized.TryGetValue(action, out var own))
        {
            return (action, own);
        }

        if (!IsNonMutating(action))
        {
            return (action, Mutating);
        }

        return UnfilteredCategory.Contains(action) && IsUnfilteredAndUnpaginated(request)
            ? (action + "#unfiltered", UnfilteredNonMutating)
            : (action, NonMutating);
    }

    /// <summary>The resource bucket and the tokens the call needs, for the actions that have one.</summary>
    public static (string Key, BucketSpec Spec, int Cost)? ResourceBucket(string action, QueryNode request)
    {
        if (!Resources.TryGetValue(action, out var spec))
        {
            return null;
        }

        var cost = action == "RunInstances"
            ? (int.TryParse(request.String("MaxCount"), out var max) && max > 0 ? max : 1)
            : Math.Max(1, request.StringList("InstanceId").Distinct(StringComparer.Ordinal).Count());
        return (action + "#resources", spec, cost);
    }

    public static bool IsNonMutating(string action) =>
        action.StartsWith("Describe", StringComparison.Ordinal) || action.StartsWith("Get", StringComparison.Ordinal)
        || action.StartsWith("List", StringComparison.Ordinal) || action.StartsWith("Search", StringComparison.Ordinal);

    /// <summary>
    /// No filter, no pagination and no resource ids (the emulator counts explicit ids as filtering; AWS's documentation
    /// names only filters and pagination).
    /// </summary>
    private static bool IsUnfilteredAndUnpaginated(QueryNode request) => request.TopLevelNames.All(NeutralParameters.Contains);
}
