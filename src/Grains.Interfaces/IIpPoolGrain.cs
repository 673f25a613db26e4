using Orleans.Concurrency;

namespace StatefulSpot.Grains.Interfaces;

/// <summary>
/// A named pool of private IPv4 addresses in one subnet, keyed by the pool name. A managed instance leases one address
/// for its life; an address is never leased to two managed instances; leases are durable. Non-reentrant: leases are
/// handed out one call at a time.
/// </summary>
[Alias("statefulspot.IIpPoolGrain")]
public interface IIpPoolGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates or redefines the pool. The subnet must exist in EC2 (its CIDR and AZ come from EC2). Repeating the same
    /// definition is harmless; a redefinition may add addresses or drop free ones, never a leased one
    /// (<see cref="IpPoolConflictException"/>). A bad definition throws <see cref="InvalidIpPoolException"/>.
    /// </summary>
    [Alias("define")]
    Task<IpPoolView> DefineAsync(IpPoolDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>
    /// The managed instance's lease: the address it already holds, or else the first free address in definition order.
    /// Throws <see cref="IpPoolExhaustedException"/> when no address is free, <see cref="IpPoolNotFoundException"/>
    /// when the pool was never defined.
    /// </summary>
    [Alias("lease")]
    Task<IpLease> LeaseAsync(string managedInstanceId, CancellationToken cancellationToken = default);

    /// <summary>Returns the managed instance's address to the pool; does nothing when it holds none.</summary>
    [Alias("release")]
    Task ReleaseAsync(string managedInstanceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// For the holder of a lease whose address EC2 refuses as <c>InvalidIPAddress.InUse</c> by something that is not the
    /// managed instance's own (old) network interface: quarantines the address (it is leased to no one until
    /// <see cref="ClearQuarantineAsync"/>) and returns a lease on another address. Repeating the call returns the same new
    /// lease. An address leased to another managed instance is refused.
    /// </summary>
    [Alias("report-in-use")]
    Task<IpLease> ReportAddressInUseAsync(string managedInstanceId, string address, string reason, CancellationToken cancellationToken = default);

    /// <summary>Puts a quarantined address back into rotation (after the foreign holder is gone); harmless when it is not quarantined.</summary>
    [Alias("clear-quarantine")]
    Task<IpPoolView> ClearQuarantineAsync(string address, CancellationToken cancellationToken = default);

    /// <summary>The pool, its leases and quarantined addresses; throws <see cref="IpPoolNotFoundException"/> when never defined.</summary>
    [Alias("get"), ReadOnly, AlwaysInterleave]
    Task<IpPoolView> GetAsync(CancellationToken cancellationToken = default);
}

/// <summary>What an operator declares: the pool's name (its grain key), its subnet and its addresses.</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.ip-pool-definition")]
public sealed record IpPoolDefinition
{
    /// <summary>1-64 letters, digits, '.', '_' or '-'.</summary>
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public required string SubnetId { get; init; }

    /// <summary>Dotted-quad IPv4 addresses inside the subnet, in the order they are handed out.</summary>
    [Id(2)] public required IReadOnlyList<string> Addresses { get; init; }
}

[GenerateSerializer, Immutable, Alias("statefulspot.ip-pool-view")]
public sealed record IpPoolView
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required string SubnetId { get; init; }
    [Id(2)] public required string SubnetCidr { get; init; }
    [Id(3)] public required string AvailabilityZone { get; init; }
    [Id(4)] public required IReadOnlyList<string> Addresses { get; init; }

    /// <summary>Leased address -> managed instance id.</summary>
    [Id(5)] public required IReadOnlyDictionary<string, string> Leases { get; init; }

    /// <summary>Addresses held out of rotation because EC2 reported them in use by something else.</summary>
    [Id(6)] public IReadOnlyList<IpQuarantine> Quarantined { get; init; } = [];

    /// <summary>How many addresses a new lease could still get.</summary>
    public int FreeCount => Addresses.Count - Leases.Count - Quarantined.Count;
}

[GenerateSerializer, Immutable, Alias("statefulspot.ip-lease")]
public sealed record IpLease
{
    [Id(0)] public required string Pool { get; init; }
    [Id(1)] public required string Address { get; init; }
    [Id(2)] public required string ManagedInstanceId { get; init; }
}

/// <summary>An address EC2 said was in use by something outside the pool: who reported it, why, and when.</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.ip-quarantine")]
public sealed record IpQuarantine
{
    [Id(0)] public required string Address { get; init; }
    [Id(1)] public required string Reason { get; init; }
    [Id(2)] public required string ReportedBy { get; init; }
    [Id(3)] public required DateTimeOffset QuarantinedAt { get; init; }
}
