using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.IpPools;

/// <summary>IP pools on the two-silo cluster, validated against the emulator's subnets through the real EC2 SDK.</summary>
public sealed class IpPoolTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{
    private static string NewPoolName() => "pool-" + Guid.NewGuid().ToString("N")[..8];

    private static IpPoolDefinition Definition(string name, params string[] addresses) =>
        new() { Name = name, SubnetId = DefaultWorld.SubnetA, Addresses = addresses };

    private static IEnumerable<string> SubnetAAddresses(int first, int count) => Enumerable.Range(first, count).Select(i => $"10.0.1.{i}");

    private IIpPoolGrain Pool(string name) => fixture.Cluster.Client.GetGrain<IIpPoolGrain>(name);

    [Fact]
    public async Task Define_InSubnetA_TakesCidrAndZoneFromEc2()
    {
        var name = NewPoolName();

        var view = await fixture.Client.DefineIpPoolAsync(Definition(name, "10.0.1.200", "10.0.1.201", "10.0.1.202"));

        Assert.Equal((name, DefaultWorld.SubnetA, DefaultWorld.SubnetACidr, DefaultWorld.ZoneA),
            (view.Name, view.SubnetId, view.SubnetCidr, view.AvailabilityZone));
        Assert.Equal(new[] { "10.0.1.200", "10.0.1.201", "10.0.1.202" }, view.Addresses);
        Assert.Empty(view.Leases);
        Assert.Equal(view.Addresses, (await fixture.Client.GetIpPoolAsync(name))!.Addresses);
        Assert.Contains(await fixture.Client.ListIpPoolsAsync(), p => p.Name == name);
    }

    [Fact]
    public async Task Lease_ThreeInstancesGetThreeDifferentAddresses_AndAFourthIsToldThePoolIsFull()
    {
        var name = NewPoolName();
        string[] addresses = ["10.0.1.200", "10.0.1.201", "10.0.1.202"];
        await fixture.Client.DefineIpPoolAsync(Definition(name, addresses));

        var leases = new[] { await Pool(name).LeaseAsync("smi-00000001"), await Pool(name).LeaseAsync("smi-00000002"), await Pool(name).LeaseAsync("smi-00000003") };
        var full = await Assert.ThrowsAsync<IpPoolExhaustedException>(() => Pool(name).LeaseAsync("smi-00000004"));

        Assert.Equal(addresses.Order(), leases.Select(l => l.Address).Order());
        Assert.All(leases, l => Assert.Equal(name, l.Pool));
        Assert.Equal(name, full.Pool);
        Assert.Contains($"IP pool '{name}' is full: all 3 of its addresses are leased", full.Message, StringComparison.Ordinal);
        var view = (await fixture.Client.GetIpPoolAsync(name))!;
        Assert.Equal(leases.ToDictionary(l => l.Address, l => l.ManagedInstanceId), view.Leases);
        Assert.DoesNotContain("smi-00000004", view.Leases.Values);
    }

    [Fact]
    public async Task Lease_SameManagedInstanceTwice_GetsTheSameAddress()
    {
        var name = NewPoolName();
        await fixture.Client.DefineIpPoolAsync(Definition(name, "10.0.1.200", "10.0.1.201"));

        var first = await Pool(name).LeaseAsync("smi-0000000a");
        var second = await Pool(name).LeaseAsync("smi-0000000a");

        Assert.Equal(first, second);
        Assert.Single((await Pool(name).GetAsync()).Leases);
    }

    [Fact]
    public async Task Release_FreesTheAddressForTheNextManagedInstance_AndRepeatingItIsHarmless()
    {
        var name = NewPoolName();
        await fixture.Client.DefineIpPoolAsync(Definition(name, "10.0.1.200"));
        var first = await Pool(name).LeaseAsync("smi-0000000a");

        await Pool(name).ReleaseAsync("smi-0000000a");
        await Pool(name).ReleaseAsync("smi-0000000a");
        var second = await Pool(name).LeaseAsync("smi-0000000b");

        Assert.Equal(first.Address, second.Address);
        Assert.Equal("smi-0000000b", Assert.Single((await Pool(name).GetAsync()).Leases).Value);
    }

    [Fact]
    public async Task Leases_SurviveDeactivatingThePoolGrain()
    {
        var name = NewPoolName();
        await fixture.Client.DefineIpPoolAsync(Definition(name, "10.0.1.200", "10.0.1.201"));
        var lease = await Pool(name).LeaseAsync("smi-0000000a");
        Assert.True(fixture.Cluster.TryGetGrainContext(Pool(name).GetGrainId(), out var before));

        await fixture.Cluster.DeactivateAsync(Pool(name));
        Assert.False(fixture.Cluster.TryGetGrainContext(Pool(name).GetGrainId(), out _));

        Assert.Equal(lease, await Pool(name).LeaseAsync("smi-0000000a"));
        Assert.NotEqual(lease.Address, (await Pool(name).LeaseAsync("smi-0000000b")).Address);
        Assert.True(fixture.Cluster.TryGetGrainContext(Pool(name).GetGrainId(), out var after));
        Assert.NotSame(before, after);
        Assert.Equal(2, (await fixture.Client.GetIpPoolAsync(name))!.Leases.Count);
    }

    [Fact]
    public async Task Lease_TwentyConcurrentManagedInstancesForTenAddresses_ExactlyTenWinWithDistinctAddresses()
    {
        var name = NewPoolName();
        await fixture.Client.DefineIpPoolAsync(Definition(name, [.. SubnetAAddresses(200, 10)]));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                return (Lease: await Pool(name).LeaseAsync($"smi-{i:x8}"), Full: (IpPoolExhaustedException?)null);
            }
            catch (IpPoolExhaustedException full)
            {
                return (Lease: (IpLease?)null, Full: full);
            }
        }));

        var winners = attempts.Select(a => a.Lease).OfType<IpLease>().ToList();
        Assert.Equal(10, winners.Count);
        Assert.Equal(10, attempts.Count(a => a.Full is not null));
        Assert.Equal(10, winners.Select(w => w.Address).Distinct().Count());
        Assert.Equal(winners.ToDictionary(w => w.Address, w => w.ManagedInstanceId), (await Pool(name).GetAsync()).Leases);
    }

    [Theory]
    [InlineData("10.0.2.10", "'10.0.2.10' is outside subnet subnet-0aaaaaaaaaaaaaaa1 (10.0.1.0/24)")]
    [InlineData("10.0.1.3", "'10.0.1.3' is reserved by AWS")]
    [InlineData("10.0.1.255", "'10.0.1.255' is reserved by AWS")]
    [InlineData("10.0.1.200", "'10.0.1.200' is listed more than once")]
    [InlineData("10.0.1.x", "'10.0.1.x' is not an IPv4 address")]
    public async Task Define_BadAddress_IsRejectedNamingTheAddress_AndNothingIsDefined(string bad, string expected)
    {
        var name = NewPoolName();

        var error = await Assert.ThrowsAsync<InvalidIpPoolException>(() => fixture.Client.DefineIpPoolAsync(Definition(name, "10.0.1.200", bad)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(name, error.Pool);
        Assert.Null(await fixture.Client.GetIpPoolAsync(name));
    }

    [Fact]
    public async Task Define_UnknownSubnet_IsRejectedNamingTheSubnet()
    {
        var name = NewPoolName();
        var definition = Definition(name, "10.0.9.10") with { SubnetId = "subnet-0ddddddddddddddd4" };

        var error = await Assert.ThrowsAsync<InvalidIpPoolException>(() => fixture.Client.DefineIpPoolAsync(definition));

        Assert.Contains("Subnet 'subnet-0ddddddddddddddd4' does not exist in EC2", error.Message, StringComparison.Ordinal);
        Assert.Null(await fixture.Client.GetIpPoolAsync(name));
    }

    [Fact]
    public async Task Define_Redefinition_MayAddOrDropFreeAddresses_ButNotALeasedOne()
    {
        var name = NewPoolName();
        await fixture.Client.DefineIpPoolAsync(Definition(name, "10.0.1.200", "10.0.1.201"));
        var lease = await Pool(name).LeaseAsync("smi-0000000a");
        Assert.Equal("10.0.1.200", lease.Address);

        var same = await fixture.Client.DefineIpPoolAsync(Definition(name, "10.0.1.200", "10.0.1.201"));
        var grown = await fixture.Client.DefineIpPoolAsync(Definition(name, "10.0.1.200", "10.0.1.202"));
        var conflict = await Assert.ThrowsAsync<IpPoolConflictException>(() => fixture.Client.DefineIpPoolAsync(Definition(name, "10.0.1.201", "10.0.1.202")));

        Assert.Equal(lease.ManagedInstanceId, same.Leases[lease.Address]);
        Assert.Equal(new[] { "10.0.1.200", "10.0.1.202" }, grown.Addresses);
        Assert.Equal(name, conflict.Pool);
        Assert.Equal("smi-0000000a", conflict.Leases["10.0.1.200"]);
        Assert.Contains("10.0.1.200 (leased to smi-0000000a)", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(grown.Addresses, (await Pool(name).GetAsync()).Addresses);
    }

    [Fact]
    public async Task UndefinedPool_IsNotFound_ForLeaseReleaseAndGet()
    {
        var name = NewPoolName();

        var error = await Assert.ThrowsAsync<IpPoolNotFoundException>(() => Pool(name).LeaseAsync("smi-0000000a"));
        await Assert.ThrowsAsync<IpPoolNotFoundException>(() => Pool(name).ReleaseAsync("smi-0000000a"));
        await Assert.ThrowsAsync<IpPoolNotFoundException>(() => Pool(name).GetAsync());

        Assert.Equal(name, error.Pool);
        Assert.Null(await fixture.Client.GetIpPoolAsync(name));
    }

    [Fact]
    public async Task ReportAddressInUse_QuarantinesTheAddressDurablyAndMovesTheLease_UntilCleared()
    {
        var name = NewPoolName();
        await fixture.Client.DefineIpPoolAsync(Definition(name, "10.0.1.200", "10.0.1.201", "10.0.1.202"));
        var lease = await Pool(name).LeaseAsync("smi-0000000a");

        var moved = await Pool(name).ReportAddressInUseAsync("smi-0000000a", lease.Address, "InvalidIPAddress.InUse: held by eni-foreign");
        await fixture.Cluster.DeactivateAsync(Pool(name));
        var again = await Pool(name).ReportAddressInUseAsync("smi-0000000a", lease.Address, "InvalidIPAddress.InUse: held by eni-foreign");
        var other = await Pool(name).LeaseAsync("smi-0000000b");
        var quarantined = await Pool(name).GetAsync();
        var cleared = await Pool(name).ClearQuarantineAsync(lease.Address);

        Assert.NotEqual(lease.Address, moved.Address);
        Assert.Equal(moved, again);
        Assert.NotEqual(lease.Address, other.Address);
        var entry = Assert.Single(quarantined.Quarantined);
        Assert.Equal((lease.Address, "smi-0000000a"), (entry.Address, entry.ReportedBy));
        Assert.Equal(0, quarantined.FreeCount);
        Assert.Empty(cleared.Quarantined);
        Assert.Equal(lease.Address, (await Pool(name).LeaseAsync("smi-0000000c")).Address);
    }
}
