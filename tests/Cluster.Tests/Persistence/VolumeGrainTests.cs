using Amazon.EC2.Model;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Persistence;

/// <summary>The volume grain is the one path to its volume and its snapshots; the root volume has one too (<c>smi-…/root</c>).</summary>
public sealed class VolumeGrainTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{
    [Fact]
    public async Task TheRootVolumeGrain_FollowsEachReplacementsRoot_AndRefusesToDeleteItAsAFormerVolume()
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with { Persistence = new PersistenceSpec { PersistRootDevice = true } };
        var active = await fixture.CreateActiveAsync(spec);
        var root = fixture.Cluster.Client.GetGrain<IVolumeGrain>($"{active.Id}/root");
        Assert.Equal(active.RootVolumeId, (await root.GetAsync())?.VolumeId);

        var recycled = await fixture.RecycleAndWaitAsync(active);

        Assert.True(recycled.Status == ManagedInstanceStatus.Active, $"recycle ended in {recycled.Status}: {recycled.LastError}");
        Assert.NotEqual(active.RootVolumeId, recycled.RootVolumeId);
        Assert.Equal(recycled.RootVolumeId, (await root.GetAsync())?.VolumeId);
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => root.DeleteFormerAsync(recycled.RootVolumeId!));
        Assert.Single((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [recycled.RootVolumeId!] })).Volumes);
    }

    [Fact]
    public async Task ASnapshotAskedTwiceWithOneToken_IsTakenOnce()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false));
        var volume = active.Volumes.Single();
        var grain = fixture.Cluster.Client.GetGrain<IVolumeGrain>($"{active.Id}/{volume.DeviceName}");
        var request = new SnapshotRequest
        {
            VolumeId = volume.VolumeId!,
            ClientToken = $"{active.Id}-test-snapshot",
            Description = "test",
            Tags = new Dictionary<string, string> { ["statefulspot:managed-instance"] = active.Id, ["statefulspot:client-token"] = $"{active.Id}-test-snapshot" },
        };

        var first = await grain.SnapshotAsync(request);
        var second = await grain.SnapshotAsync(request);

        Assert.Equal(first.SnapshotId, second.SnapshotId);
        Assert.Equal(volume.VolumeId, first.VolumeId);
        var described = Assert.Single(await grain.DescribeSnapshotsAsync([first.SnapshotId]));
        Assert.Equal(first.SnapshotId, described.SnapshotId);
        Assert.NotNull(described.State);
    }
}
