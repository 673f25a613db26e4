using Amazon.EC2;
using Amazon.EC2.Model;

namespace StatefulSpot.Grains.Ec2;

/// <summary>The patterns every EC2 caller shares, written once: tolerating NotFound, paging, looking up one instance.</summary>
public static class Ec2Calls
{
    /// <summary>Runs a delete (or detach): an <see cref="Ec2ErrorKind.NotFound"/>, or one of <paramref name="alsoDone"/>, means it is done.</summary>
    public static async Task IgnoreNotFoundAsync(Func<Task> call, params Ec2ErrorKind[] alsoDone)
    {
        try
        {
            await call();
        }
        catch (AmazonEC2Exception exception) when (Ec2Errors.Classify(exception) is var kind && (kind == Ec2ErrorKind.NotFound || alsoDone.Contains(kind)))
        {
            // Already gone (or, for alsoDone, not ours to act on now): done.
        }
    }

    /// <summary>Runs a describe of one thing: null when EC2 does not know it.</summary>
    public static async Task<T?> OrNullIfNotFoundAsync<T>(Func<Task<T?>> call)
        where T : class
    {
        try
        {
            return await call();
        }
        catch (AmazonEC2Exception exception) when (Ec2Errors.Classify(exception) == Ec2ErrorKind.NotFound)
        {
            return null;
        }
    }

    /// <summary>Every item of a paged describe: <paramref name="fetch"/> gets the NextToken (null first) and returns the page's items and next token.</summary>
    public static async Task<IReadOnlyList<T>> AllPagesAsync<T>(Func<string?, Task<(List<T>? Items, string? NextToken)>> fetch)
    {
        var items = new List<T>();
        string? nextToken = null;
        do
        {
            var page = await fetch(nextToken);
            items.AddRange(page.Items ?? []);
            nextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(nextToken));

        return items;
    }

    /// <summary>One instance by id, or null when EC2 no longer knows it.</summary>
    public static Task<Instance?> DescribeInstanceAsync(this IEc2Api ec2, string instanceId, CancellationToken cancellationToken) =>
        OrNullIfNotFoundAsync(async () =>
        {
            var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, cancellationToken);
            return (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).FirstOrDefault(i => i.InstanceId == instanceId);
        });
}

/// <summary>Where a snapshot or image being made stands: the one reading of "describe until completed or error".</summary>
public enum Ec2Progress
{
    Pending = 0,
    Completed = 1,
    Failed = 2,
}

public static class Ec2ProgressOf
{
    /// <summary>A snapshot is completed, failed (error), or still pending (or not yet visible).</summary>
    public static Ec2Progress Snapshot(string? state) => state switch
    {
        "completed" => Ec2Progress.Completed,
        "error" => Ec2Progress.Failed,
        _ => Ec2Progress.Pending,
    };

    /// <summary>An image is available, failed (failed, invalid, error), or still pending (or not yet visible).</summary>
    public static Ec2Progress Image(string? state) => state switch
    {
        "available" => Ec2Progress.Completed,
        "failed" or "invalid" or "error" => Ec2Progress.Failed,
        _ => Ec2Progress.Pending,
    };
}
