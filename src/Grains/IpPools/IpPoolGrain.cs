using Amazon.EC2;
using Amazon.EC2.Model;
using Microsoft.Extensions.Logging;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.IpPools;

[GenerateSerializer, Alias("statefulspot.ip-pool-state")]
public sealed record IpPoolState
{
    /// <summary>Null until the pool is defined.</summary>
    [Id(0)] public string? SubnetId { get; init; }
    [Id(1)] public string? SubnetCidr { get; init; }
    [Id(2)] public string? AvailabilityZone { get; init; }

    /// <summary>In definition order: the order leases are handed out.</summary>
    [Id(3)] public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>Leased address -> managed instance id.</summary>
    [Id(4)] public IReadOnlyDictionary<string, string> Leases { get; init; } = new Dictionary<string, string>();

    [Id(5)] public IReadOnlyList<IpQuarantine> Quarantined { get; init; } = [];
}

/// <summary>
/// A named pool of private IPs in one subnet (key: the pool name). Non-reentrant: each lease is decided and written before
/// the next call starts, which is what keeps an address from being leased twice. Only <see cref="GetAsync"/> interleaves,
/// and it reads the last state that was written.
/// </summary>
public sealed partial class IpPoolGrain(
    [PersistentState("ip-pool", StorageNames.Instances)] IPersistentState<IpPoolState> store,
    IEc2Api ec2,
    TimeProvider time,
    ILogger<IpPoolGrain> logger) : Grain, IIpPoolGrain
{
    private IpPoolState? _written;

    private string Pool => this.GetPrimaryKeyString();

    public async Task<IpPoolView> DefineAsync(IpPoolDefinition definition, CancellationToken cancellationToken = default)
    {
        var problems = IpPoolRules.Validate(Pool, definition, subnetCidr: null);
        if (problems.Count > 0)
        {
            throw new InvalidIpPoolException(Pool, problems);
        }

        var subnet = await FindSubnetAsync(definition.SubnetId, cancellationToken);
        problems = IpPoolRules.Validate(Pool, definition, subnet.CidrBlock);
        if (problems.Count > 0)
        {
            throw new InvalidIpPoolException(Pool, problems);
        }

        var next = IpPoolRules.Define(Pool, store.State, definition, subnet.CidrBlock, subnet.AvailabilityZone);
        if (await WriteAsync(next, cancellationToken))
        {
            LogDefined(Pool, subnet.SubnetId, subnet.CidrBlock, subnet.AvailabilityZone, next.Addresses.Count);
        }

        await GrainFactory.GetGrain<IIpPoolRegistryGrain>(IIpPoolRegistryGrain.Key).RegisterAsync(Pool, cancellationToken);
        return IpPoolRules.ToView(Pool, next);
    }

    public async Task<IpLease> LeaseAsync(string managedInstanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(managedInstanceId);
        var (next, address) = Decide(managedInstanceId, state => IpPoolRules.Lease(Pool, state, managedInstanceId));
        if (await WriteAsync(next, cancellationToken))
        {
            LogLeased(Pool, address, managedInstanceId);
        }

        return new IpLease { Pool = Pool, Address = address, ManagedInstanceId = managedInstanceId };
    }

    public async Task ReleaseAsync(string managedInstanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(managedInstanceId);
        var (next, address) = IpPoolRules.Release(RequireDefined(), managedInstanceId);
        if (await WriteAsync(next, cancellationToken))
        {
            LogReleased(Pool, address!, managedInstanceId);
        }
    }

    public async Task<IpLease> ReportAddressInUseAsync(string managedInstanceId, string address, string reason,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(managedInstanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var (next, leased) = Decide(managedInstanceId,
            state => IpPoolRules.ReportInUse(Pool, state, managedInstanceId, address, reason, time.GetUtcNow()));
        if (await WriteAsync(next, cancellationToken))
        {
            LogQuarantined(Pool, address, managedInstanceId, reason);
            LogLeased(Pool, leased, managedInstanceId);
        }

        return new IpLease { Pool = Pool, Address = leased, ManagedInstanceId = managedInstanceId };
    }

    public async Task<IpPoolView> ClearQuarantineAsync(string address, CancellationToken cancellationToken = default)
    {
        var next = IpPoolRules.ClearQuarantine(RequireDefined(), address);
        if (await WriteAsync(next, cancellationToken))
        {
            LogQuarantineCleared(Pool, address);
        }

        return IpPoolRules.ToView(Pool, next);
    }

    public Task<IpPoolView> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(IpPoolRules.ToView(Pool, _written ?? store.State));

    private (IpPoolState State, string Address) Decide(string managedInstanceId, Func<IpPoolState, (IpPoolState, string)> decide)
    {
        var state = RequireDefined();
        try
        {
            return decide(state);
        }
        catch (IpPoolExhaustedException)
        {
            LogExhausted(Pool, state.Addresses.Count, managedInstanceId);
            throw;
        }
    }

    private IpPoolState RequireDefined() => store.State.SubnetId is null ? throw new IpPoolNotFoundException(Pool) : store.State;

    /// <summary>
    /// Persists <paramref name="next"/> unless it is the current state; true when it wrote. On a failed write the activation
    /// goes away, so that the next call re-reads storage instead of trusting a lease that may not be durable.
    /// </summary>
    private async Task<bool> WriteAsync(IpPoolState next, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(next, store.State))
        {
            return false;
        }

        var previous = store.State;
        _written = previous;
        store.State = next;
        try
        {
            await store.WriteStateAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            LogWriteFailed(Pool, exception);
            store.State = previous;
            this.DeactivateOnIdle();
            throw;
        }

        _written = next;
        return true;
    }

    private async Task<Subnet> FindSubnetAsync(string subnetId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [subnetId] }, cancellationToken);
            return (response.Subnets ?? []).FirstOrDefault(s => s.SubnetId == subnetId)
                ?? throw new InvalidIpPoolException(Pool, [$"Subnet '{subnetId}' does not exist in EC2."]);
        }
        catch (AmazonEC2Exception exception) when (Ec2Errors.Classify(exception) is Ec2ErrorKind.NotFound or Ec2ErrorKind.InvalidRequest)
        {
            throw new InvalidIpPoolException(Pool, [$"Subnet '{subnetId}' does not exist in EC2 ({Ec2Errors.Describe(exception)})."]);
        }
    }
}
