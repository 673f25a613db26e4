using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;

namespace StatefulSpot.Grains.ManagedInstances.Saga;

/// <summary>
/// The live instances EC2 lists with a managed instance's tags: how the saga finds what it launched when the answer
/// never reached it. One DescribeInstances by tag filter, made only when a launch may have gone unrecorded.
/// </summary>
public static class TaggedInstances
{
    /// <summary>Every state but terminated: an instance that still holds (or may still hold) an ENI or a volume.</summary>
    public static readonly string[] LiveStates = ["pending", "running", "stopping", "stopped", "shutting-down"];

    /// <summary>The live instances tagged with <paramref name="managedInstanceId"/> (and <paramref name="generation"/>, when given).</summary>
    public static async Task<IReadOnlyList<Instance>> LiveAsync(IEc2Api ec2, string managedInstanceId, int? generation, CancellationToken cancellationToken)
    {
        List<Filter> filters =
        [
            new Filter($"tag:{TagKeys.ManagedInstance}", [managedInstanceId]),
            new Filter("instance-state-name", [.. LiveStates]),
        ];
        if (generation is { } g)
        {
            filters.Add(new Filter($"tag:{TagKeys.Generation}", [g.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        }

        var found = new List<Instance>();
        string? nextToken = null;
        do
        {
            var page = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = filters, NextToken = nextToken }, cancellationToken);
            found.AddRange((page.Reservations ?? []).SelectMany(r => r.Instances ?? []));
            nextToken = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        }
        while (nextToken is not null);

        return found;
    }

    /// <summary>The launch candidate an instance EC2 lists was launched as.</summary>
    public static LaunchCandidate CandidateOf(Instance instance) =>
        new(instance.InstanceType?.Value ?? "", instance.InstanceLifecycle?.Value == "spot");
}
