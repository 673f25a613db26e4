using System.Globalization;
using System.Text.RegularExpressions;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.IpPools;

/// <summary>
/// The decisions of an IP pool, pure: validating a definition, redefining, choosing and releasing leases, quarantining.
/// Each transition returns the same state instance when nothing changes, so the grain writes only real changes.
/// State collections are plain arrays and dictionaries, never the compiler's collection-expression types, which a
/// storage serializer that records CLR type names (Newtonsoft in the memory provider) cannot read back.
/// </summary>
public static partial class IpPoolRules
{
    /// <summary>AWS reserves the first four addresses of every subnet (network, router, DNS, future use)...</summary>
    public const int ReservedAtStart = 4;

    /// <summary>...and the last one (broadcast).</summary>
    public const int ReservedAtEnd = 1;

    /// <summary>Every problem with <paramref name="definition"/>, each a sentence naming what to fix; empty when valid.
    /// Range checks run only when the subnet's CIDR is known (<paramref name="subnetCidr"/> not null).</summary>
    public static IReadOnlyList<string> Validate(string pool, IpPoolDefinition? definition, string? subnetCidr)
    {
        if (definition is null)
        {
            return ["A definition is required."];
        }

        var problems = new List<string>();
        if (definition.Name != pool)
        {
            problems.Add($"'name' is '{definition.Name}' but the definition was sent to pool '{pool}'; they must match.");
        }

        if (!PoolName().IsMatch(pool))
        {
            problems.Add($"The pool name '{pool}' must be 1-64 letters, digits, '.', '_' or '-'.");
        }

        if (!SubnetId().IsMatch(definition.SubnetId ?? ""))
        {
            problems.Add($"'subnetId' must be a subnet id (subnet-0123abcd…), not '{definition.SubnetId}'.");
        }

        if (definition.Addresses is not { Count: > 0 })
        {
            problems.Add("'addresses' must list at least one IPv4 address.");
            return problems;
        }

        var cidr = subnetCidr is null ? (Cidr?)null : ParseCidr(subnetCidr);
        var seen = new HashSet<uint>();
        foreach (var address in definition.Addresses)
        {
            if (!TryParseAddress(address, out var value))
            {
                problems.Add($"'{address}' is not an IPv4 address; write four decimal numbers 0-255 without leading zeros, e.g. 10.0.1.10.");
            }
            else if (!seen.Add(value))
            {
                problems.Add($"'{address}' is listed more than once.");
            }
            else if (cidr is { } range && !range.Contains(value))
            {
                problems.Add($"'{address}' is outside subnet {definition.SubnetId} ({subnetCidr}).");
            }
            else if (cidr is { } reserved && reserved.IsReserved(value))
            {
                problems.Add($"'{address}' is reserved by AWS in subnet {definition.SubnetId} ({subnetCidr}): "
                    + "the first four addresses and the last one of a subnet cannot be assigned.");
            }
        }

        return problems;
    }

    /// <summary>The state after (re)defining the pool. A definition may add addresses or drop free ones, never a leased one;
    /// a pool with leases cannot move to another subnet. Quarantine entries of dropped addresses go with them.</summary>
    public static IpPoolState Define(string pool, IpPoolState state, IpPoolDefinition definition, string subnetCidr, string availabilityZone)
    {
        if (state.SubnetId is not null && state.SubnetId != definition.SubnetId && state.Leases.Count > 0)
        {
            throw new IpPoolConflictException(pool, state.Leases,
                $"moving the pool from subnet {state.SubnetId} to {definition.SubnetId}",
                "Release every lease before moving the pool, or define a new pool in the other subnet.");
        }

        var kept = definition.Addresses.ToHashSet(StringComparer.Ordinal);
        var dropped = state.Leases.Where(l => !kept.Contains(l.Key)).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
        if (dropped.Count > 0)
        {
            throw new IpPoolConflictException(pool, dropped, "the new definition");
        }

        var quarantined = state.Quarantined.Where(q => kept.Contains(q.Address)).ToArray();
        var unchanged = state.SubnetId == definition.SubnetId
            && state.SubnetCidr == subnetCidr
            && state.AvailabilityZone == availabilityZone
            && state.Addresses.SequenceEqual(definition.Addresses, StringComparer.Ordinal)
            && quarantined.Length == state.Quarantined.Count;
        return unchanged ? state : state with
        {
            SubnetId = definition.SubnetId,
            SubnetCidr = subnetCidr,
            AvailabilityZone = availabilityZone,
            Addresses = definition.Addresses.ToArray(),
            Quarantined = quarantined,
        };
    }

    /// <summary>The managed instance's lease: its current address, or else the first free one in definition order.</summary>
    /// <exception cref="IpPoolExhaustedException">No address is free.</exception>
    public static (IpPoolState State, string Address) Lease(string pool, IpPoolState state, string managedInstanceId)
    {
        if (AddressOf(state, managedInstanceId) is { } held)
        {
            return (state, held);
        }

        var quarantined = state.Quarantined.Select(q => q.Address).ToHashSet(StringComparer.Ordinal);
        var free = state.Addresses.FirstOrDefault(a => !state.Leases.ContainsKey(a) && !quarantined.Contains(a))
            ?? throw new IpPoolExhaustedException(pool, state.Addresses.Count, state.Quarantined.Count);
        return (state with { Leases = new Dictionary<string, string>(state.Leases, StringComparer.Ordinal) { [free] = managedInstanceId } }, free);
    }

    /// <summary>The state without the managed instance's lease, and the address it held (null when it held none).</summary>
    public static (IpPoolState State, string? Address) Release(IpPoolState state, string managedInstanceId)
    {
        if (AddressOf(state, managedInstanceId) is not { } held)
        {
            return (state, null);
        }

        var leases = new Dictionary<string, string>(state.Leases, StringComparer.Ordinal);
        leases.Remove(held);
        return (state with { Leases = leases }, held);
    }

    /// <summary>
    /// The holder of <paramref name="address"/> says EC2 refuses it as in use elsewhere: the address is quarantined, the
    /// holder's lease moves to the next free address. Repeating the report returns the same new lease. All or nothing:
    /// when no other address is free, <see cref="IpPoolExhaustedException"/> and nothing changes.
    /// </summary>
    public static (IpPoolState State, string Address) ReportInUse(string pool, IpPoolState state, string managedInstanceId,
        string address, string reason, DateTimeOffset at)
    {
        if (!state.Addresses.Contains(address, StringComparer.Ordinal))
        {
            throw new IpPoolException($"'{address}' is not an address of IP pool '{pool}'; nothing was quarantined.");
        }

        if (state.Leases.TryGetValue(address, out var holder) && holder != managedInstanceId)
        {
            throw new IpPoolConflictException(pool, new Dictionary<string, string> { [address] = holder },
                $"quarantining {address} for {managedInstanceId}",
                "Only the managed instance that leases an address can report it in use; nothing was quarantined.");
        }

        var next = state;
        if (!state.Quarantined.Any(q => q.Address == address))
        {
            next = (holder is null ? state : Release(state, managedInstanceId).State) with
            {
                Quarantined = state.Quarantined.Append(new IpQuarantine { Address = address, Reason = reason, ReportedBy = managedInstanceId, QuarantinedAt = at }).ToArray(),
            };
        }

        try
        {
            return Lease(pool, next, managedInstanceId);
        }
        catch (IpPoolExhaustedException) when (!ReferenceEquals(next, state))
        {
            throw new IpPoolExhaustedException(pool, state.Addresses.Count, state.Quarantined.Count);
        }
    }

    /// <summary>The state with <paramref name="address"/> back in rotation.</summary>
    public static IpPoolState ClearQuarantine(IpPoolState state, string address) =>
        state.Quarantined.Any(q => q.Address == address)
            ? state with { Quarantined = state.Quarantined.Where(q => q.Address != address).ToArray() }
            : state;

    public static IpPoolView ToView(string pool, IpPoolState state) => new()
    {
        Name = pool,
        SubnetId = state.SubnetId ?? throw new IpPoolNotFoundException(pool),
        SubnetCidr = state.SubnetCidr ?? "",
        AvailabilityZone = state.AvailabilityZone ?? "",
        Addresses = state.Addresses,
        Leases = state.Addresses.Where(state.Leases.ContainsKey).ToDictionary(a => a, a => state.Leases[a], StringComparer.Ordinal),
        Quarantined = state.Quarantined,
    };

    /// <summary>Strict dotted-quad IPv4: four decimal numbers 0-255, no leading zeros, nothing else.</summary>
    public static bool TryParseAddress(string? text, out uint value)
    {
        value = 0;
        var parts = (text ?? "").Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || !part.All(char.IsAsciiDigit))
            {
                return false;
            }

            var octet = uint.Parse(part, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }

            value = (value << 8) | octet;
        }

        return true;
    }

    private static string? AddressOf(IpPoolState state, string managedInstanceId) =>
        state.Leases.FirstOrDefault(l => l.Value == managedInstanceId).Key;

    private static Cidr ParseCidr(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !TryParseAddress(cidr[..slash], out var network)
            || !int.TryParse(cidr[(slash + 1)..], CultureInfo.InvariantCulture, out var prefix) || prefix is < 0 or > 32)
        {
            throw new FormatException($"EC2 returned '{cidr}', which is not an IPv4 CIDR block.");
        }

        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return new Cidr(network & mask, mask);
    }

    private readonly record struct Cidr(uint Network, uint Mask)
    {
        private uint Last => Network | ~Mask;

        public bool Contains(uint address) => (address & Mask) == Network;

        public bool IsReserved(uint address) => address - Network < ReservedAtStart || Last - address < ReservedAtEnd;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex PoolName();

    [GeneratedRegex("^subnet-[0-9a-f]{8,17}$")]
    private static partial Regex SubnetId();
}
