using Amazon.EC2.Model;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Recovery;

/// <summary>
/// network.floatingPrivateIp: the stable IP is a secondary address that moves to each replacement's own primary ENI,
/// so the replacement boots while the old instance still runs, and the address follows it at the cutover.
/// </summary>
public sealed class FloatingIpTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{
    private static ManagedInstanceSpec Spec(string? address = null) => InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with
    {
        Network = new NetworkSpec { FloatingPrivateIp = true, PrivateIp = address },
        Strategy = new StrategySpec { DrainingTimeout = TimeSpan.FromSeconds(2) },
    };

    [Fact]
    public async Task Create_PutsAnAddressEc2ChoseOnTheInstanceAsASecondaryIp_AndARecycleMovesItBeforeTheOldInstanceGoes()
    {
        var active = await fixture.CreateActiveAsync(Spec());
        var first = await InstanceAsync(active.InstanceId!);
        Assert.NotEqual(first.PrivateIpAddress, active.PrivateIp);
        Assert.Equal([active.PrivateIp!], Secondaries(first));

        await fixture.Client.RecycleAsync(active.Id);
        var recycled = await fixture.WaitForNextGenerationAsync(active);

        Assert.True(recycled.Status == ManagedInstanceStatus.Active, $"recycle ended in {recycled.Status}: {recycled.LastError}");
        Assert.Equal(active.PrivateIp, recycled.PrivateIp);
        Assert.Equal([active.PrivateIp!], Secondaries(await InstanceAsync(recycled.InstanceId!)));
        var record = recycled.History.Last();
        Assert.True(record.ReplacementRunningAt < record.ServiceStoppedAt, "the replacement was not pre-staged: it ran only after the cutover");
        Assert.True(record.VolumesAttachedAt < record.OldTerminatedAt, "the volumes did not move before the old instance was terminated");
        Assert.NotNull(record.AppDowntime);
        Assert.Equal("terminated", (await InstanceAsync(active.InstanceId!)).State.Name.Value);
    }

    [Fact]
    public async Task AFixedAddress_FloatsToo_AndSurvivesASpotInterruption()
    {
        const string address = "10.0.1.77";
        var active = await fixture.CreateActiveAsync(Spec(address));
        Assert.Equal(address, active.PrivateIp);
        Assert.Equal([address], Secondaries(await InstanceAsync(active.InstanceId!)));

        await fixture.Emulator.InterruptAsync(active.InstanceId!);
        var recovered = await fixture.WaitForNextGenerationAsync(active);

        Assert.True(recovered.Status == ManagedInstanceStatus.Active, $"recovery ended in {recovered.Status}: {recovered.LastError}");
        Assert.Equal(address, recovered.PrivateIp);
        Assert.Equal([address], Secondaries(await InstanceAsync(recovered.InstanceId!)));
        Assert.Equal(active.Volumes.Single().VolumeId, recovered.Volumes.Single().VolumeId);
    }

    private static List<string> Secondaries(Instance instance) =>
        [.. instance.NetworkInterfaces.Single(n => n.Attachment.DeviceIndex == 0).PrivateIpAddresses.Where(a => a.Primary != true).Select(a => a.PrivateIpAddress)];

    private async Task<Instance> InstanceAsync(string instanceId) =>
        (await fixture.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] })).Reservations.SelectMany(r => r.Instances).Single();
}
