using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.IpPools;

/// <summary>Managed instances that lease their private IP from a pool: one address each, kept across recoveries, freed on delete.</summary>
public sealed class IpPoolManagedInstanceTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{

    [Fact]
    public async Task PooledIp_IsLeasedOncePerManagedInstance_SurvivesRecovery_AndIsFreedByDeleteWithTheEni()
    {
        await fixture.Client.DefineIpPoolAsync(new IpPoolDefinition { Name = "db-ips", SubnetId = DefaultWorld.SubnetB, Addresses = ["10.0.2.50", "10.0.2.51"] });
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with
        {
            SubnetIds = [DefaultWorld.SubnetB],
            Network = new NetworkSpec { PrivateIpPool = "db-ips" },
        };

        var first = await fixture.CreateActiveAsync(spec);
        var second = await fixture.CreateActiveAsync(spec);
        Assert.Equal(["10.0.2.50", "10.0.2.51"], new[] { first.PrivateIp, second.PrivateIp }.Order());

        var exhausted = await Assert.ThrowsAsync<InvalidSpecException>(() => fixture.Client.CreateAsync(spec));
        Assert.Contains("'db-ips' is exhausted", exhausted.Message);

        await fixture.Emulator.InterruptAsync(first.InstanceId!);
        var recovered = await fixture.Client.WaitUntilAsync(first.Id,
            v => v.Generation > first.Generation && v.Status != ManagedInstanceStatus.Recycling, StatefulSpotClusterFixture.Patience);
        Assert.Equal(ManagedInstanceStatus.Active, recovered.Status);
        Assert.Equal(first.PrivateIp, recovered.PrivateIp);
        Assert.Equal(first.NetworkInterfaceId, recovered.NetworkInterfaceId);

        await fixture.Client.DeleteAsync(first.Id, new DeleteOptions { ShouldDeleteVolumes = true, ShouldDeleteNetworkInterfaces = true });
        await fixture.Client.WaitUntilAsync(first.Id, v => v.Status is ManagedInstanceStatus.Deleted or ManagedInstanceStatus.Error, StatefulSpotClusterFixture.Patience);
        var pool = await fixture.Client.GetIpPoolAsync("db-ips");
        Assert.DoesNotContain(first.Id, pool!.Leases.Values);

        var third = await fixture.CreateActiveAsync(spec);
        Assert.Equal(first.PrivateIp, third.PrivateIp);
    }

    [Fact]
    public async Task UnknownPoolOrPoolOfAnotherSubnet_IsRejectedBeforeAnythingIsCreated()
    {
        await fixture.Client.DefineIpPoolAsync(new IpPoolDefinition { Name = "c-ips", SubnetId = DefaultWorld.SubnetC, Addresses = ["10.0.3.50"] });
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false);

        var unknown = await Assert.ThrowsAsync<InvalidSpecException>(() =>
            fixture.Client.CreateAsync(spec with { Network = new NetworkSpec { PrivateIpPool = "nope" } }));
        var elsewhere = await Assert.ThrowsAsync<InvalidSpecException>(() =>
            fixture.Client.CreateAsync(spec with { Network = new NetworkSpec { PrivateIpPool = "c-ips" } }));

        Assert.Contains("'nope', which is not defined", unknown.Message);
        Assert.Contains("serves " + DefaultWorld.SubnetC, elsewhere.Message);
        Assert.Empty((await fixture.Client.GetIpPoolAsync("c-ips"))!.Leases);
    }
}
