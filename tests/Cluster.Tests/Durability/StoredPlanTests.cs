using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Grains;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Cluster.Tests.Durability;

/// <summary>
/// An operation's plan is stored on its cursor: a cursor another build wrote is finished by this one, and a step this
/// build does not know ends the operation in Error with a message, never in a step that re-runs forever.
/// </summary>
public sealed class StoredPlanTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{
    [Fact]
    public async Task ACursorWithAStepThisBuildDoesNotKnow_EndsInErrorSayingSo()
    {
        var id = await WriteStateAsync(Cursor(OperationKind.Recycle, SagaStep.WaitOldTerminated) with
        {
            Plan = [SagaStep.WaitOldTerminated, (SagaStep)999],
            Step = (SagaStep)999,
        }, ManagedInstanceStatus.Recycling);

        await fixture.Cluster.Client.GetGrain<IManagedInstanceGrain>(id).WakeAsync();
        var failed = await fixture.Client.WaitUntilAsync(id, v => v.Status != ManagedInstanceStatus.Recycling, StatefulSpotClusterFixture.Patience);

        Assert.Equal(ManagedInstanceStatus.Error, failed.Status);
        Assert.Contains("not part of this Recycle's plan", failed.LastError);
        Assert.Equal(OperationKind.Recycle, failed.History.Last().Kind);
    }

    [Fact]
    public async Task ACursorAnOlderBuildWroteWithoutAPlan_IsFinishedByItsOperationsTable()
    {
        var id = await WriteStateAsync(Cursor(OperationKind.Delete, SagaStep.WaitOldTerminated) with
        {
            DeleteOptions = new DeleteOptions { ShouldTerminateInstance = false },
        }, ManagedInstanceStatus.Deleting);

        await fixture.Cluster.Client.GetGrain<IManagedInstanceGrain>(id).WakeAsync();
        var deleted = await fixture.Client.WaitUntilAsync(id, v => v.Status != ManagedInstanceStatus.Deleting, StatefulSpotClusterFixture.Patience);

        Assert.True(deleted.Status == ManagedInstanceStatus.Deleted, $"the delete ended in {deleted.Status}: {deleted.LastError}");
        Assert.Equal(OperationKind.Delete, deleted.History.Last().Kind);
    }

    private static SagaCursor Cursor(OperationKind kind, SagaStep step) => new()
    {
        Kind = kind,
        Trigger = OperationTrigger.User,
        Step = step,
        StartedAt = DateTimeOffset.UtcNow,
        StepStartedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>Writes a managed instance's state as another build would have left it, before the grain is ever activated.</summary>
    private async Task<string> WriteStateAsync(SagaCursor operation, ManagedInstanceStatus status)
    {
        var id = $"smi-{Guid.NewGuid().ToString("N")[..8]}";
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Instances);
        var state = new GrainState<ManagedInstanceState>(new ManagedInstanceState
        {
            Spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false),
            Status = status,
            Generation = 1,
            AvailabilityZone = Emulator.DefaultWorld.ZoneA,
            Subnets = [new SubnetZone(Emulator.DefaultWorld.SubnetA, Emulator.DefaultWorld.ZoneA)],
            Operation = operation,
        });
        await storage.WriteStateAsync("managed-instance", fixture.Cluster.Client.GetGrain<IManagedInstanceGrain>(id).GetGrainId(), state);
        return id;
    }
}
