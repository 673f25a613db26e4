namespace StatefulSpot.Grains.Interfaces;

/// <summary>Base of the errors an IP pool reports to its caller.</summary>
[GenerateSerializer, Alias("statefulspot.ip-pool-exception")]
public class IpPoolException : Exception
{
    public IpPoolException(string message) : base(message) { }

    public IpPoolException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>No IP pool has this name: it was never defined.</summary>
[GenerateSerializer, Alias("statefulspot.ip-pool-not-found")]
public sealed class IpPoolNotFoundException : IpPoolException
{
    public IpPoolNotFoundException(string pool)
        : base($"No IP pool '{pool}' is defined. Define it (name, subnet, addresses) before leasing from it.") => Pool = pool;

    [Id(0)] public string Pool { get; }
}

/// <summary>Every address of the pool is leased (or quarantined); nothing was leased.</summary>
[GenerateSerializer, Alias("statefulspot.ip-pool-exhausted")]
public sealed class IpPoolExhaustedException : IpPoolException
{
    public IpPoolExhaustedException(string pool, int capacity, int quarantined)
        : base($"IP pool '{pool}' is full: all {capacity} of its addresses are "
            + (quarantined == 0 ? "leased" : $"taken ({capacity - quarantined} leased, {quarantined} quarantined as in use outside the pool)")
            + ". Release a lease, clear a quarantined address or add addresses to the pool.")
    {
        Pool = pool;
        Capacity = capacity;
        Quarantined = quarantined;
    }

    [Id(0)] public string Pool { get; }
    [Id(1)] public int Capacity { get; }
    [Id(2)] public int Quarantined { get; }
}

/// <summary>The pool definition cannot be accepted; <see cref="Exception.Message"/> lists what to fix. Nothing changed.</summary>
[GenerateSerializer, Alias("statefulspot.invalid-ip-pool")]
public sealed class InvalidIpPoolException : IpPoolException
{
    public InvalidIpPoolException(string pool, IReadOnlyList<string> problems)
        : base($"The definition of IP pool '{pool}' is invalid: " + string.Join(" ", problems))
    {
        Pool = pool;
        Problems = problems;
    }

    [Id(0)] public string Pool { get; }
    [Id(1)] public IReadOnlyList<string> Problems { get; }
}

/// <summary>
/// The request would take an address away from the managed instance that leases it (a redefinition dropping a leased
/// address or moving a pool with leases to another subnet, or a report about another managed instance's address). Nothing changed.
/// </summary>
[GenerateSerializer, Alias("statefulspot.ip-pool-conflict")]
public sealed class IpPoolConflictException : IpPoolException
{
    public IpPoolConflictException(string pool, IReadOnlyDictionary<string, string> leases, string action,
        string remedy = "Keep those addresses in the pool, or release their leases first.")
        : base($"IP pool '{pool}': {action} would take away leased "
            + string.Join(", ", leases.Select(l => $"{l.Key} (leased to {l.Value})"))
            + ". " + remedy)
    {
        Pool = pool;
        Leases = leases;
    }

    [Id(0)] public string Pool { get; }

    /// <summary>The leased addresses concerned: address -> managed instance id.</summary>
    [Id(1)] public IReadOnlyDictionary<string, string> Leases { get; }
}
