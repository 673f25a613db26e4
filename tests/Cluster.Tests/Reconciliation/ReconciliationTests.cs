using Microsoft.Extensions.DependencyInjection;
using Amazon.EC2.Model;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.Reconciliation;

namespace StatefulSpot.Cluster.Tests.Reconciliation;

/// <summary>An emulator that sends no state-change events: only the reconciliation loop can notice what happens.</summary>
public sealed class SilentEc2ClusterFixture : StatefulSpotClusterFixture
{
    protected override EmulatorOptions CreateEmulatorOptions() => new() { TimeScale = TimeScale, EmitStateChangeEvents = false };

    // No grace: the test's own leftovers are seconds old; and every pass sweeps images and snapshots.
    protected override void ConfigureSilo(ISiloBuilder silo) =>
        silo.Services.Configure<ReconcilerOptions>(o =>
        {
            o.UnrecordedGrace = TimeSpan.Zero;
            o.ArtifactSweepInterval = TimeSpan.FromTicks(1);
        });
}

public sealed class ReconciliationTests(SilentEc2ClusterFixture fixture) : IClassFixture<SilentEc2ClusterFixture>
{

    private IReconcilerGrain Reconciler => fixture.Cluster.Client.GetGrain<IReconcilerGrain>(IReconcilerGrain.Key);

    [Fact]
    public async Task InstanceTerminatedWithoutAnyNotice_IsCaughtByTheReconcilerAndRecovered()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: true));
        await fixture.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [active.InstanceId!] });

        var report = await Reconciler.ReconcileOnceAsync();

        Assert.Contains(active.Id, report.Corrected);
        var recovered = await fixture.Client.WaitUntilAsync(active.Id,
            v => v.Generation > active.Generation && v.Status != ManagedInstanceStatus.Recycling, StatefulSpotClusterFixture.Patience);
        Assert.Equal(ManagedInstanceStatus.Active, recovered.Status);
        Assert.Equal(OperationTrigger.Reconciliation, recovered.History.Last().Trigger);
        Assert.NotEqual(active.InstanceId, recovered.InstanceId);
        Assert.Equal(active.PrivateIp, recovered.PrivateIp);
        Assert.Equal(active.Volumes.Single().VolumeId, recovered.Volumes.Single().VolumeId);
    }

    [Fact]
    public async Task DataVolumeDetachedByHand_IsAttachedAgain()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false));
        var volumeId = active.Volumes.Single().VolumeId!;
        await fixture.Ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = volumeId });
        await WaitForVolumeAsync(volumeId, "available");

        var report = await Reconciler.ReconcileOnceAsync();

        Assert.Contains(active.Id, report.Corrected);
        await WaitForVolumeAsync(volumeId, "in-use");
        var repaired = await fixture.Client.WaitUntilAsync(active.Id, v => v.History.LastOrDefault()?.Kind == OperationKind.Repair, StatefulSpotClusterFixture.Patience);
        Assert.Equal(active.InstanceId, repaired.InstanceId);
        Assert.Equal(active.Generation, repaired.Generation);
        var attachment = Assert.Single((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volumeId] })).Volumes.Single().Attachments);
        Assert.Equal(active.InstanceId, attachment.InstanceId);
        Assert.Equal("/dev/sdf", attachment.Device);
    }

    [Fact]
    public async Task InstancesTaggedAsOursThatNoStateRecords_AreTerminated_AndTheRecordedOneIsLeftAlone()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false));
        var cluster = fixture.Cluster.Options.ClusterId;
        var leftover = await LaunchTaggedAsync(active.Id, cluster);
        var ownerless = await LaunchTaggedAsync("smi-0000dead", cluster);
        var otherClusters = await LaunchTaggedAsync("smi-0000beef", "another-statefulspot-cluster");
        var olderBuilds = await LaunchTaggedAsync("smi-0000beef", cluster: null);

        var report = await Reconciler.ReconcileOnceAsync();

        Assert.Contains(leftover, report.UnrecordedTerminated);
        Assert.Contains(ownerless, report.UnrecordedTerminated);
        Assert.DoesNotContain(active.InstanceId, report.UnrecordedTerminated);
        Assert.DoesNotContain(otherClusters, report.UnrecordedTerminated);
        Assert.DoesNotContain(olderBuilds, report.UnrecordedTerminated);
        Assert.Equal(new[] { olderBuilds, otherClusters }.Order(StringComparer.Ordinal),
            (await fixture.LiveInstancesAsync("smi-0000beef")).Select(i => i.InstanceId).Order(StringComparer.Ordinal));
        Assert.Equal([active.InstanceId], (await fixture.LiveInstancesAsync(active.Id)).Where(i => i.State.Name != "shutting-down").Select(i => i.InstanceId));
        Assert.DoesNotContain(await fixture.LiveInstancesAsync("smi-0000dead"), i => i.State.Name != "shutting-down");
        Assert.Equal(ManagedInstanceStatus.Active, (await fixture.Client.GetAsync(active.Id))!.Status);
    }

    [Fact]
    public async Task ImagesAndRootSnapshotsTaggedAsOursThatNoStateRecords_AreDeleted_AndEverythingElseIsKept()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false));
        var volumeId = active.Volumes.Single().VolumeId!;
        var imageSnapshot = await SnapshotAsync(volumeId, active.Id);
        var image = (await fixture.Ec2.RegisterImageAsync(new RegisterImageRequest
        {
            Name = $"leftover-{active.Id}",
            RootDeviceName = "/dev/xvda",
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/xvda", Ebs = new EbsBlockDevice { SnapshotId = imageSnapshot } }],
            TagSpecifications = [new TagSpecification { ResourceType = "image", Tags = [new Tag("statefulspot:managed-instance", active.Id)] }],
        })).ImageId;
        var looseSnapshot = await SnapshotAsync(volumeId, active.Id);
        var deviceSnapshot = await SnapshotAsync(volumeId, active.Id, device: "/dev/sdf");
        var otherClusters = await SnapshotAsync(volumeId, "smi-0000cafe");

        var report = await Reconciler.ReconcileOnceAsync();

        Assert.Equal(new[] { image, imageSnapshot, looseSnapshot }.Order(StringComparer.Ordinal), report.UnrecordedArtifactsDeleted.Order(StringComparer.Ordinal));
        Assert.DoesNotContain((await fixture.Ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] })).Images ?? [], i => i.ImageId == image);
        var left = (await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] })).Snapshots!.Select(s => s.SnapshotId).ToHashSet();
        Assert.DoesNotContain(imageSnapshot, left);
        Assert.DoesNotContain(looseSnapshot, left);
        Assert.Contains(deviceSnapshot, left);
        Assert.Contains(otherClusters, left);
        Assert.Equal(ManagedInstanceStatus.Active, (await fixture.Client.GetAsync(active.Id))!.Status);
    }

    [Fact]
    public async Task HealthyManagedInstances_AreLeftAlone_AndEc2CallsGrowWithPagesNotManagedInstances()
    {
        for (var i = 0; i < 6; i++)
        {
            await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false));
        }

        var report = await Reconciler.ReconcileOnceAsync();

        Assert.Empty(report.Corrected);
        Assert.True(report.ManagedInstances >= 6);
        Assert.Equal((report.InstancesSeen + 4) / 5, report.Ec2Calls);
        Assert.True(report.Ec2Calls < report.ManagedInstances, $"{report.Ec2Calls} EC2 calls for {report.ManagedInstances} managed instances");
    }

    /// <summary>Launches an instance with a managed instance's tag (and a cluster's), as a launch whose answer was lost leaves one.</summary>
    private async Task<string> LaunchTaggedAsync(string managedInstanceId, string? cluster) =>
        (await fixture.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = DefaultWorld.ImageId,
            InstanceType = "m5.large",
            MinCount = 1,
            MaxCount = 1,
            SubnetId = DefaultWorld.SubnetA,
            TagSpecifications =
            [
                new TagSpecification
                {
                    ResourceType = "instance",
                    Tags = [new Tag("statefulspot:managed-instance", managedInstanceId), .. cluster is null ? Array.Empty<Tag>() : [new Tag("statefulspot:cluster", cluster)]],
                },
            ],
        })).Reservation.Instances.Single().InstanceId;

    /// <summary>A completed snapshot of the volume tagged with a managed instance (and a device, for a per-device one).</summary>
    private async Task<string> SnapshotAsync(string volumeId, string managedInstanceId, string? device = null)
    {
        List<Tag> tags = [new Tag("statefulspot:managed-instance", managedInstanceId), .. device is null ? Array.Empty<Tag>() : [new Tag("statefulspot:device", device)]];
        var snapshotId = (await fixture.Ec2.CreateSnapshotAsync(new CreateSnapshotRequest
        {
            VolumeId = volumeId,
            TagSpecifications = [new TagSpecification { ResourceType = "snapshot", Tags = tags }],
        })).Snapshot.SnapshotId;
        using var timeout = new CancellationTokenSource(StatefulSpotClusterFixture.Patience);
        while ((await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [snapshotId] }, timeout.Token)).Snapshots.Single().State.Value != "completed")
        {
            await Task.Delay(50, timeout.Token);
        }

        return snapshotId;
    }

    private async Task WaitForVolumeAsync(string volumeId, string state)
    {
        using var timeout = new CancellationTokenSource(StatefulSpotClusterFixture.Patience);
        while ((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volumeId] }, timeout.Token)).Volumes.Single().State.Value != state)
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
