using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.IpPools;

namespace StatefulSpot.Unit.Tests.IpPools;

public sealed class IpPoolRulesTests
{
    private const string Pool = "db-ips";
    private const string Subnet = "subnet-0aaaaaaaaaaaaaaa1";
    private const string Cidr = "10.0.1.0/24";
    private const string Zone = "us-east-1a";
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static IpPoolDefinition Definition(params string[] addresses) =>
        new() { Name = Pool, SubnetId = Subnet, Addresses = addresses.Length > 0 ? addresses : ["10.0.1.10", "10.0.1.11", "10.0.1.12"] };

    private static IpPoolState Defined(params string[] addresses) =>
        IpPoolRules.Define(Pool, new IpPoolState(), Definition(addresses), Cidr, Zone);

    private static IpPoolState WithLeases(IpPoolState state, params string[] managedInstanceIds) =>
        managedInstanceIds.Aggregate(state, (s, id) => IpPoolRules.Lease(Pool, s, id).State);

    [Fact]
    public void Validate_GoodDefinition_HasNoProblems() => Assert.Empty(IpPoolRules.Validate(Pool, Definition(), Cidr));

    [Theory]
    [InlineData("10.0.1.0")]
    [InlineData("10.0.1.1")]
    [InlineData("10.0.1.2")]
    [InlineData("10.0.1.3")]
    [InlineData("10.0.1.255")]
    public void Validate_AddressReservedByAws_NamesTheAddress(string address)
    {
        var problem = Assert.Single(IpPoolRules.Validate(Pool, Definition(address), Cidr));

        Assert.Contains($"'{address}' is reserved by AWS in subnet {Subnet} ({Cidr})", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.1.4")]
    [InlineData("10.0.1.254")]
    public void Validate_FirstAndLastAssignableAddresses_AreAccepted(string address) =>
        Assert.Empty(IpPoolRules.Validate(Pool, Definition(address), Cidr));

    [Theory]
    [InlineData("10.0.2.10")]
    [InlineData("10.0.0.255")]
    [InlineData("192.168.1.10")]
    public void Validate_AddressOutsideTheSubnet_NamesAddressAndSubnet(string address)
    {
        var problem = Assert.Single(IpPoolRules.Validate(Pool, Definition("10.0.1.10", address), Cidr));

        Assert.Contains($"'{address}' is outside subnet {Subnet} ({Cidr})", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SmallSubnet_ReservesItsOwnEdges()
    {
        Assert.Contains(IpPoolRules.Validate(Pool, Definition("10.0.1.19"), "10.0.1.16/28"), p => p.Contains("reserved", StringComparison.Ordinal));
        Assert.Contains(IpPoolRules.Validate(Pool, Definition("10.0.1.31"), "10.0.1.16/28"), p => p.Contains("reserved", StringComparison.Ordinal));
        Assert.Empty(IpPoolRules.Validate(Pool, Definition("10.0.1.20", "10.0.1.30"), "10.0.1.16/28"));
    }

    [Fact]
    public void Validate_DuplicateAddress_IsReportedOnce()
    {
        var problem = Assert.Single(IpPoolRules.Validate(Pool, Definition("10.0.1.10", "10.0.1.11", "10.0.1.10"), Cidr));

        Assert.Equal("'10.0.1.10' is listed more than once.", problem);
    }

    [Theory]
    [InlineData("10.0.1")]
    [InlineData("10.0.1.256")]
    [InlineData("10.0.1.010")]
    [InlineData("10.0.1.-1")]
    [InlineData(" 10.0.1.10")]
    [InlineData("10.0.1.10/32")]
    [InlineData("fe80::1")]
    [InlineData("")]
    public void Validate_NotADottedQuad_NamesTheText(string address)
    {
        var problem = Assert.Single(IpPoolRules.Validate(Pool, Definition(address), Cidr));

        Assert.StartsWith($"'{address}' is not an IPv4 address", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyDefinition_ListsEveryProblem()
    {
        var problems = IpPoolRules.Validate("bad name", new IpPoolDefinition { Name = "other", SubnetId = "", Addresses = [] }, Cidr);

        Assert.Contains(problems, p => p.Contains("'name' is 'other'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'bad name' must be 1-64 letters", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'subnetId' must be a subnet id", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'addresses' must list at least one", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WithoutCidr_ChecksOnlyTheShape() =>
        Assert.Empty(IpPoolRules.Validate(Pool, Definition("10.9.9.9"), subnetCidr: null));

    [Fact]
    public void Lease_HandsOutAddressesInDefinitionOrder()
    {
        var state = Defined("10.0.1.12", "10.0.1.10", "10.0.1.11");

        var (afterA, a) = IpPoolRules.Lease(Pool, state, "smi-a");
        var (_, b) = IpPoolRules.Lease(Pool, afterA, "smi-b");

        Assert.Equal("10.0.1.12", a);
        Assert.Equal("10.0.1.10", b);
    }

    [Fact]
    public void Lease_SameManagedInstanceTwice_GetsTheSameAddressWithoutAChange()
    {
        var (state, first) = IpPoolRules.Lease(Pool, Defined(), "smi-a");

        var (again, second) = IpPoolRules.Lease(Pool, state, "smi-a");

        Assert.Equal(first, second);
        Assert.Same(state, again);
    }

    [Fact]
    public void Lease_WhenEveryAddressIsLeased_ThrowsExhaustedNamingPoolAndSize()
    {
        var state = WithLeases(Defined(), "smi-a", "smi-b", "smi-c");

        var error = Assert.Throws<IpPoolExhaustedException>(() => IpPoolRules.Lease(Pool, state, "smi-d"));

        Assert.Equal(Pool, error.Pool);
        Assert.Equal(3, error.Capacity);
        Assert.Contains($"IP pool '{Pool}' is full: all 3 of its addresses are leased", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Release_FreesTheAddressForTheNextLease()
    {
        var state = WithLeases(Defined(), "smi-a", "smi-b", "smi-c");

        var (released, address) = IpPoolRules.Release(state, "smi-b");
        var (_, next) = IpPoolRules.Lease(Pool, released, "smi-d");

        Assert.Equal("10.0.1.11", address);
        Assert.Equal("10.0.1.11", next);
    }

    [Fact]
    public void Release_WithoutALease_ChangesNothing()
    {
        var state = WithLeases(Defined(), "smi-a");

        var (after, address) = IpPoolRules.Release(state, "smi-z");

        Assert.Null(address);
        Assert.Same(state, after);
    }

    [Fact]
    public void Define_SameDefinitionAgain_ChangesNothing()
    {
        var state = WithLeases(Defined(), "smi-a");

        Assert.Same(state, IpPoolRules.Define(Pool, state, Definition(), Cidr, Zone));
    }

    [Fact]
    public void Define_AddingAndDroppingFreeAddresses_KeepsLeases()
    {
        var state = WithLeases(Defined(), "smi-a");

        var next = IpPoolRules.Define(Pool, state, Definition("10.0.1.10", "10.0.1.20"), Cidr, Zone);

        Assert.Equal(new[] { "10.0.1.10", "10.0.1.20" }, next.Addresses);
        Assert.Equal("smi-a", next.Leases["10.0.1.10"]);
    }

    [Fact]
    public void Define_DroppingALeasedAddress_ThrowsConflictNamingAddressAndHolder()
    {
        var state = WithLeases(Defined(), "smi-a", "smi-b");

        var error = Assert.Throws<IpPoolConflictException>(() => IpPoolRules.Define(Pool, state, Definition("10.0.1.10", "10.0.1.12"), Cidr, Zone));

        Assert.Equal("smi-b", Assert.Single(error.Leases).Value);
        Assert.Contains("10.0.1.11 (leased to smi-b)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Define_MovingAPoolWithLeasesToAnotherSubnet_ThrowsConflict()
    {
        var state = WithLeases(Defined(), "smi-a");
        var moved = new IpPoolDefinition { Name = Pool, SubnetId = "subnet-0bbbbbbbbbbbbbbb2", Addresses = ["10.0.2.10"] };

        var error = Assert.Throws<IpPoolConflictException>(() => IpPoolRules.Define(Pool, state, moved, "10.0.2.0/24", "us-east-1b"));

        Assert.Contains("moving the pool from subnet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportInUse_MovesTheHolderToTheNextFreeAddressAndQuarantinesTheOld()
    {
        var state = WithLeases(Defined(), "smi-a");

        var (after, address) = IpPoolRules.ReportInUse(Pool, state, "smi-a", "10.0.1.10", "InvalidIPAddress.InUse", Now);

        Assert.Equal("10.0.1.11", address);
        Assert.False(after.Leases.ContainsKey("10.0.1.10"));
        var quarantine = Assert.Single(after.Quarantined);
        Assert.Equal(("10.0.1.10", "smi-a", "InvalidIPAddress.InUse"), (quarantine.Address, quarantine.ReportedBy, quarantine.Reason));
    }

    [Fact]
    public void ReportInUse_Repeated_ReturnsTheSameNewLeaseWithoutAChange()
    {
        var (state, first) = IpPoolRules.ReportInUse(Pool, WithLeases(Defined(), "smi-a"), "smi-a", "10.0.1.10", "in use", Now);

        var (again, second) = IpPoolRules.ReportInUse(Pool, state, "smi-a", "10.0.1.10", "in use", Now);

        Assert.Equal(first, second);
        Assert.Same(state, again);
    }

    [Fact]
    public void ReportInUse_AnotherManagedInstancesAddress_IsRefused()
    {
        var state = WithLeases(Defined(), "smi-a");

        Assert.Throws<IpPoolConflictException>(() => IpPoolRules.ReportInUse(Pool, state, "smi-b", "10.0.1.10", "in use", Now));
    }

    [Fact]
    public void ReportInUse_WhenNoOtherAddressIsFree_ThrowsExhaustedAndQuarantinedAddressesStaySkipped()
    {
        var state = WithLeases(Defined(), "smi-a", "smi-b");
        (state, _) = IpPoolRules.ReportInUse(Pool, state, "smi-a", "10.0.1.10", "in use", Now);

        var error = Assert.Throws<IpPoolExhaustedException>(() => IpPoolRules.ReportInUse(Pool, state, "smi-b", "10.0.1.11", "in use", Now));

        Assert.Equal(1, error.Quarantined);
        Assert.Contains("1 quarantined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClearQuarantine_PutsTheAddressBackInRotation()
    {
        var (state, _) = IpPoolRules.ReportInUse(Pool, WithLeases(Defined(), "smi-a"), "smi-a", "10.0.1.10", "in use", Now);

        var cleared = IpPoolRules.ClearQuarantine(state, "10.0.1.10");
        var (_, next) = IpPoolRules.Lease(Pool, cleared, "smi-b");

        Assert.Empty(cleared.Quarantined);
        Assert.Equal("10.0.1.10", next);
    }

    [Fact]
    public void ToView_ListsLeasesInDefinitionOrder()
    {
        var state = WithLeases(Defined(), "smi-a", "smi-b");
        (state, _) = IpPoolRules.Release(state, "smi-a");
        state = WithLeases(state, "smi-c");

        var view = IpPoolRules.ToView(Pool, state);

        Assert.Equal(new[] { "10.0.1.10", "10.0.1.11" }, view.Leases.Keys);
        Assert.Equal(1, view.FreeCount);
        Assert.Equal((Subnet, Cidr, Zone), (view.SubnetId, view.SubnetCidr, view.AvailabilityZone));
    }
}
