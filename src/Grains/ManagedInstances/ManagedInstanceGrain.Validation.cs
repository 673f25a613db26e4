using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>What a create, import or update checks before anything is created: the id, the spec, EC2's view of it, the IP pool.</summary>
public sealed partial class ManagedInstanceGrain
{
    /// <summary>A grain reached by a key the client did not check (another client, a test) creates nothing under it.</summary>
    private void RequireWellFormedId()
    {
        if (ManagedInstanceIds.Problem(Id) is { } problem)
        {
            throw new InvalidSpecException([problem]);
        }
    }

    /// <summary>
    /// A deleted id is not created again: its client tokens (id and generation) and tags are spent, and a new launch
    /// under them would meet the old one's answers.
    /// </summary>
    private void RequireNotDeleted()
    {
        if (State.Status == ManagedInstanceStatus.Deleted && State.Spec is not null)
        {
            throw new InvalidRequestException($"Managed instance '{Id}' was deleted, and ids are not reused; create it under a new id.");
        }
    }

    /// <summary>Validates a spec, statically and against EC2; returns its subnets with their AZs.</summary>
    private async Task<IReadOnlyList<SubnetZone>> ValidateAsync(ManagedInstanceSpec spec, CancellationToken cancellationToken, string? importedFrom = null)
    {
        var problems = SpecValidator.Validate(spec, _options.MinimumSnapshotInterval, _options.Region);
        if (problems.Count > 0)
        {
            throw new InvalidSpecException(problems);
        }

        IReadOnlyList<SubnetZone> subnets;
        try
        {
            subnets = await _queries.ResolveZoneAsync(spec, cancellationToken, importedFrom);
            // An update that keeps the image is not refused for an image deregistered since (the running one still works).
            if (importedFrom is null && spec.LaunchSpecification.ImageId != State.Spec?.LaunchSpecification.ImageId)
            {
                await _queries.CheckImageAsync(spec, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException
            or HttpRequestException or Ec2.Gateway.Ec2BudgetExhaustedException)
        {
            // An EC2 exception is not an Orleans type: the caller gets a typed error it can read and retry on.
            throw new Ec2UnavailableException((exception as Amazon.Runtime.AmazonServiceException)?.ErrorCode ?? exception.GetType().Name, exception.Message);
        }

        if (spec.Network.PrivateIpPool is { } poolName)
        {
            await CheckPoolAsync(spec, poolName, cancellationToken);
        }

        return subnets;
    }

    /// <summary>The pool must exist, serve the first subnet, and have an address for this managed instance.</summary>
    private async Task CheckPoolAsync(ManagedInstanceSpec spec, string poolName, CancellationToken cancellationToken)
    {
        IpPoolView pool;
        try
        {
            pool = await GrainFactory.GetGrain<IIpPoolGrain>(poolName).GetAsync(cancellationToken);
        }
        catch (IpPoolNotFoundException)
        {
            throw new InvalidSpecException([$"'network.privateIpPool' names '{poolName}', which is not defined; define the pool first."]);
        }

        if (pool.SubnetId != spec.SubnetIds[0])
        {
            throw new InvalidSpecException([$"IP pool '{poolName}' serves {pool.SubnetId}, but 'subnetIds' starts with {spec.SubnetIds[0]}; use the pool's subnet."]);
        }

        if (pool.FreeCount <= 0 && !pool.Leases.Values.Contains(Id))
        {
            throw new InvalidSpecException([$"IP pool '{poolName}' is exhausted: all {pool.Addresses.Count} addresses are taken; add addresses or use another pool."]);
        }
    }
}
