using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

/// <summary>The plan an operation stores when it starts: derived from the spec, walked from the cursor.</summary>
public sealed class StoredPlanTests
{
    private static readonly ManagedInstanceState OneZone = new()
    {
        Subnets = [new SubnetZone("subnet-0aaaaaaaaaaaaaaa1", "us-east-1a")],
        AvailabilityZone = "us-east-1a",
    };

    private static SagaCursor Cursor(OperationKind kind, bool prestaged = false, DeleteOptions? delete = null) => new()
    {
        Kind = kind,
        Trigger = OperationTrigger.User,
        Step = SagaStep.Done,
        StartedAt = DateTimeOffset.UnixEpoch,
        StepStartedAt = DateTimeOffset.UnixEpoch,
        Prestaged = prestaged,
        DeleteOptions = delete,
    };

    [Fact]
    public void PlainRecycle_WithReattachedVolumesAndAPersistentIp_RunsNoRootSnapshotRelocationOrElasticIpSteps()
    {
        var plan = SagaPlan.For(Cursor(OperationKind.Recycle), Specs.Database(), OneZone);

        Assert.Equal(
            [
                SagaStep.WaitOldTerminated, SagaStep.WaitResourcesReleased, SagaStep.EnsureVolumes, SagaStep.Launch, SagaStep.WaitRunning,
                SagaStep.AttachVolumes, SagaStep.WaitAttached,
            ],
            plan);
    }

    [Fact]
    public void RecycleWithRootPersistence_TakesTheFinalRootSnapshotAndImage_InTheTablesOrder()
    {
        var spec = Specs.Database() with { Persistence = new PersistenceSpec { PersistPrivateIp = true, PersistRootDevice = true } };

        var plan = SagaPlan.For(Cursor(OperationKind.Recycle), spec, OneZone).ToList();

        Assert.Equal(
            [SagaStep.SnapshotRoot, SagaStep.WaitRootSnapshot, SagaStep.RegisterRootImage, SagaStep.WaitRootImage, SagaStep.CleanupRoot],
            plan.Where(s => s is SagaStep.SnapshotRoot or SagaStep.WaitRootSnapshot or SagaStep.RegisterRootImage or SagaStep.WaitRootImage
                or SagaStep.CleanupRoot));
        Assert.True(plan.IndexOf(SagaStep.WaitRootImage) < plan.IndexOf(SagaStep.Launch));
        Assert.DoesNotContain(SagaStep.SnapshotVolumes, plan);
        Assert.Contains(SagaStep.CleanupVolumes, plan);
    }

    [Fact]
    public void OnLaunchRecycle_SnapshotsTheVolumesAndCleansUp_ButCreatesNoneItself()
    {
        var spec = Specs.Database(persistPrivateIp: false) with
        {
            Persistence = new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch },
        };

        var plan = SagaPlan.For(Cursor(OperationKind.Recycle), spec, OneZone);

        Assert.Contains(SagaStep.SnapshotVolumes, plan);
        Assert.Contains(SagaStep.WaitVolumeSnapshots, plan);
        Assert.Contains(SagaStep.CleanupVolumes, plan);
        Assert.DoesNotContain(SagaStep.EnsureVolumes, plan);
    }

    [Fact]
    public void Create_PreparesTheNetworkOnlyForAPersistentIp_AndAssociatesOnlyAnElasticIp()
    {
        var withIp = SagaPlan.For(Cursor(OperationKind.Create), Specs.Database(), OneZone);
        var without = SagaPlan.For(Cursor(OperationKind.Create), Specs.Database(persistPrivateIp: false) with
        {
            Network = new NetworkSpec { ElasticIpAllocationId = "eipalloc-0123456789abcdef0" },
        }, OneZone);

        Assert.Contains(SagaStep.PrepareNetwork, withIp);
        Assert.DoesNotContain(SagaStep.AssociateElasticIp, withIp);
        Assert.DoesNotContain(SagaStep.PrepareNetwork, without);
        Assert.Contains(SagaStep.AssociateElasticIp, without);
    }

    [Fact]
    public void ReattachAcrossZones_MayRelocateVolumes()
    {
        var twoZones = OneZone with { Subnets = [.. OneZone.Subnets, new SubnetZone("subnet-0bbbbbbbbbbbbbbb2", "us-east-1b")] };
        var spec = Specs.Database(persistPrivateIp: false) with
        {
            SubnetIds = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
            Persistence = new PersistenceSpec { PersistBlockDevices = true, BlockDevicesMode = BlockDevicesMode.Reattach },
        };

        Assert.Contains(SagaStep.RelocateVolumes, SagaPlan.For(Cursor(OperationKind.Recycle), spec, twoZones));
        Assert.DoesNotContain(SagaStep.RelocateVolumes, SagaPlan.For(Cursor(OperationKind.Recycle), spec, OneZone));
    }

    [Fact]
    public void Delete_TakesOnlyWhatItsOptionsSay()
    {
        var keepAll = SagaPlan.For(Cursor(OperationKind.Delete, delete: new DeleteOptions()), Specs.Database(), OneZone);
        var dropAll = SagaPlan.For(Cursor(OperationKind.Delete,
            delete: new DeleteOptions { ShouldDeleteVolumes = true, ShouldDeleteNetworkInterfaces = true }), Specs.Database(), OneZone);

        Assert.DoesNotContain(SagaStep.DeleteVolumes, keepAll);
        Assert.DoesNotContain(SagaStep.DeleteNetworkInterface, keepAll);
        Assert.Contains(SagaStep.DeleteVolumes, dropAll);
        Assert.Contains(SagaStep.DeleteNetworkInterface, dropAll);
        Assert.DoesNotContain(SagaStep.ReleaseAddress, dropAll);
    }

    [Fact]
    public void Next_WalksTheStoredPlan_NotTheTable()
    {
        var cursor = Cursor(OperationKind.Recycle) with
        {
            Plan = [SagaStep.WaitOldTerminated, SagaStep.Launch, SagaStep.WaitAttached],
            Step = SagaStep.WaitOldTerminated,
        };

        Assert.Equal(SagaStep.Launch, SagaPlan.Next(cursor));
        Assert.Equal(SagaStep.Done, SagaPlan.Next(cursor with { Step = SagaStep.WaitAttached }));
    }

    [Fact]
    public void ACursorWithoutAPlan_FromAnOlderBuild_FollowsItsOperationsTable()
    {
        var cursor = Cursor(OperationKind.Recycle) with { Step = SagaStep.WaitRootImage };

        Assert.True(SagaPlan.Knows(cursor));
        Assert.Equal(SagaStep.EnsureVolumes, SagaPlan.Next(cursor));
    }

    [Fact]
    public void AStepThePlanDoesNotHave_OrThisBuildDoesNotKnow_IsNotKnown()
    {
        var stored = Cursor(OperationKind.Recycle) with { Plan = [SagaStep.WaitOldTerminated, SagaStep.Launch] };

        Assert.False(SagaPlan.Knows(stored with { Step = SagaStep.SnapshotRoot }));
        Assert.Null(SagaPlan.Next(stored with { Step = SagaStep.SnapshotRoot }));
        Assert.False(SagaPlan.Knows(stored with { Plan = [.. stored.Plan, (SagaStep)999], Step = (SagaStep)999 }));
        Assert.False(SagaPlan.Knows(Cursor(OperationKind.Create) with { Step = SagaStep.WaitOldTerminated }));
    }
}
