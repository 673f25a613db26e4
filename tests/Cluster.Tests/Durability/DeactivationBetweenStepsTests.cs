using System.Collections.Concurrent;
using Amazon.EC2;
using Amazon.EC2.Model;
using Microsoft.Extensions.DependencyInjection;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Cluster.Tests.Durability;

/// <summary>
/// A cluster in which every managed-instance grain is deactivated right after each saga step it persists, and after
/// each checkpoint a step persists (the step then resumes from the checkpoint on a new activation).
/// </summary>
public sealed class DeactivatingClusterFixture : StatefulSpotClusterFixture
{
    public ConcurrentQueue<(OperationKind Kind, SagaStep Step)> Deactivations { get; } = new();

    public ConcurrentQueue<(string ManagedInstanceId, OperationKind Kind, SagaStep Step)> Checkpoints { get; } = new();

    protected override void ConfigureSilo(ISiloBuilder silo) =>
        silo.Services.AddSingleton<ISagaStepListener>(new DeactivateAfterEachStep(Deactivations, Checkpoints));

    private sealed class DeactivateAfterEachStep(ConcurrentQueue<(OperationKind, SagaStep)> log,
        ConcurrentQueue<(string, OperationKind, SagaStep)> checkpoints) : ISagaStepListener
    {
        public ValueTask OnStepCompletedAsync(string managedInstanceId, OperationKind kind, SagaStep step, TimeSpan elapsed, IGrainContext grain)
        {
            log.Enqueue((kind, step));
            grain.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "test: between saga steps"));
            return ValueTask.CompletedTask;
        }

        public ValueTask OnStepCheckpointedAsync(string managedInstanceId, OperationKind kind, SagaStep step, IGrainContext grain)
        {
            checkpoints.Enqueue((managedInstanceId, kind, step));
            grain.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "test: after a checkpoint"));
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// The grain loses its activation (and its timer) between every pair of saga steps: each operation must still
/// complete from its persisted cursor, with one live instance and the same volume and IP.
/// </summary>
public sealed class DeactivationBetweenStepsTests(DeactivatingClusterFixture fixture) : IClassFixture<DeactivatingClusterFixture>
{

    [Fact]
    public async Task CreateInterruptPauseResume_EachResumedAfterEveryStep_KeepTheResources()
    {
        var created = await fixture.Client.CreateAsync(InterruptionRecoveryTests.DatabaseSpec());
        var active = await fixture.Client.WaitUntilAsync(created.Id, v => v.Status != ManagedInstanceStatus.Creating, StatefulSpotClusterFixture.Patience);
        Assert.True(active.Status == ManagedInstanceStatus.Active, $"create ended in {active.Status}: {active.LastError}");

        await fixture.Emulator.InterruptAsync(active.InstanceId!);
        var recovered = await fixture.Client.WaitUntilAsync(created.Id,
            v => v.Generation > active.Generation && v.Status != ManagedInstanceStatus.Recycling, StatefulSpotClusterFixture.Patience);
        Assert.True(recovered.Status == ManagedInstanceStatus.Active, $"recovery ended in {recovered.Status}: {recovered.LastError}");

        await fixture.Client.PauseAsync(created.Id);
        await fixture.Client.WaitUntilAsync(created.Id, v => v.Status == ManagedInstanceStatus.Paused, StatefulSpotClusterFixture.Patience);
        await fixture.Client.ResumeAsync(created.Id);
        var resumed = await fixture.Client.WaitUntilAsync(created.Id, v => v.Status is ManagedInstanceStatus.Active or ManagedInstanceStatus.Error, StatefulSpotClusterFixture.Patience);

        Assert.Equal(ManagedInstanceStatus.Active, resumed.Status);
        Assert.Equal(active.Volumes.Single().VolumeId, resumed.Volumes.Single().VolumeId);
        Assert.Equal(active.PrivateIp, resumed.PrivateIp);
        Assert.Equal(active.NetworkInterfaceId, resumed.NetworkInterfaceId);

        // Every step of every operation's stored plan (derived from the spec) was followed by a deactivation.
        var state = new ManagedInstanceState { Subnets = [new SubnetZone(Emulator.DefaultWorld.SubnetA, Emulator.DefaultWorld.ZoneA)] };
        foreach (var kind in new[] { OperationKind.Create, OperationKind.Recycle, OperationKind.Pause, OperationKind.Resume })
        {
            var cursor = new SagaCursor { Kind = kind, Trigger = OperationTrigger.User, Step = SagaStep.Done, StartedAt = default, StepStartedAt = default };
            Assert.Equal(SagaPlan.For(cursor, InterruptionRecoveryTests.DatabaseSpec(), state),
                fixture.Deactivations.Where(d => d.Kind == kind).Select(d => d.Step).Distinct());
        }

        // The pause terminated the old instance itself (no drain time): the cursor said so in a checkpoint before the call.
        Assert.Contains((created.Id, OperationKind.Pause, SagaStep.WaitOldTerminated), fixture.Checkpoints);

        // EC2 agrees: one live instance, holding the volume; every launch of this managed instance happened once per generation.
        var instances = (await fixture.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters = [new Filter("tag:statefulspot:managed-instance", [created.Id])],
        })).Reservations.SelectMany(r => r.Instances).ToList();
        var live = Assert.Single(instances, i => i.State.Name != InstanceStateName.Terminated && i.State.Name != InstanceStateName.ShuttingDown);
        Assert.Equal(resumed.InstanceId, live.InstanceId);
        Assert.Equal(3, instances.Count);
        Assert.Equal(resumed.InstanceId, Assert.Single((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest
        {
            VolumeIds = [active.Volumes.Single().VolumeId!],
        })).Volumes.Single().Attachments).InstanceId);
    }

    [Fact]
    public async Task OnLaunchRecovery_ResumedAfterEveryStep_LeavesOneInstanceAndOnlyItsNewVolumes()
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with
        {
            SubnetIds = [Emulator.DefaultWorld.SubnetA, Emulator.DefaultWorld.SubnetB],
            Persistence = new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch, PersistRootDevice = true },
        };
        var active = await fixture.CreateActiveAsync(spec);

        await fixture.Emulator.InterruptAsync(active.InstanceId!);
        var recovered = await fixture.WaitForNextGenerationAsync(active);

        Assert.True(recovered.Status == ManagedInstanceStatus.Active, $"recovery ended in {recovered.Status}: {recovered.LastError}");
        var live = Assert.Single(await fixture.LiveInstancesAsync(active.Id));
        Assert.Equal(recovered.InstanceId, live.InstanceId);

        // Exactly the new data volume and the new root remain; the new data volume came from the final snapshot of the old one.
        var volumes = (await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest
        {
            Filters = [new Filter("tag:statefulspot:managed-instance", [active.Id])],
        })).Volumes;
        Assert.Equal(new[] { recovered.RootVolumeId!, recovered.Volumes.Single().VolumeId! }.Order(), volumes.Select(v => v.VolumeId).Order());
        Assert.All(volumes, v => Assert.Equal(live.InstanceId, Assert.Single(v.Attachments).InstanceId));
        var data = volumes.Single(v => v.VolumeId == recovered.Volumes.Single().VolumeId);
        var snapshot = (await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [data.SnapshotId] })).Snapshots.Single();
        Assert.Equal(active.Volumes.Single().VolumeId, snapshot.VolumeId);

        // One final snapshot per device, however often the steps that take them were re-run.
        var finals = (await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
        {
            OwnerIds = ["self"],
            Filters = [new Filter("tag:statefulspot:managed-instance", [active.Id])],
        })).Snapshots.Where(s => s.Description.Contains("final", StringComparison.Ordinal) || s.Description.Contains("root, generation", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, finals.Count);

        // The data volume's final snapshot was remembered in a checkpoint as soon as it existed, and the step went on from there.
        Assert.Single(fixture.Checkpoints, c => c == (active.Id, OperationKind.Recycle, SagaStep.SnapshotVolumes));
    }
}
