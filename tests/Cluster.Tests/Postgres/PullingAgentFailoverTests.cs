using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using StatefulSpot.Client;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Postgres;

/// <summary>
/// The SQS pulling agent is not tied to a silo: when the silos holding the event queue die, a silo that joined later
/// takes the queue over, and a notice that was in flight on the dying silo is delivered again and handled once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PullingAgentFailoverTests(PostgresServerFixture postgres)
{
    // A warning taken by a silo that then dies comes back only when its SQS visibility timeout (60 s, real time) ends.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task EveryOriginalSiloKilled_ALaterSiloPullsTheQueue_AndNoNoticeIsLost()
    {
        // Only the interruption warnings can start a recovery: no state-change events, no reconciler. A warning lost with
        // its silo would leave the managed instance unrecovered.
        await using var setup = await PostgresRecoveryCluster.StartAsync(postgres, "agent_failover",
            new EmulatorOptions { TimeScale = 0.02, EmitStateChangeEvents = false }, reconciler: false);
        var (emulator, cluster, client) = (setup.Emulator, setup.Cluster, setup.Client);
        var original = cluster.Silos.ToList();

        // Spot only: after an interruption its pool is merely tried last, so every replacement is again interruptible.
        var first = await setup.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec() with { Strategy = new StrategySpec { FallbackToOnDemand = false } });

        // One original silo dies; the notice that follows is pulled by whichever silo holds the queue now.
        await cluster.KillSiloAsync(original[0]);
        await emulator.InterruptAsync(first.InstanceId!);
        var second = await WaitForRecoveryAsync(client, first);

        // A new silo joins, and the notice is sent just before the last original silo dies: if that silo had taken
        // the message, its visibility runs out and the new silo receives it again.
        await cluster.StartAdditionalSiloAsync();
        await emulator.InterruptAsync(second.InstanceId!);
        await cluster.KillSiloAsync(original[1]);
        var third = await WaitForRecoveryAsync(client, second);

        Assert.Equal(first.PrivateIp, third.PrivateIp);
        Assert.Equal(first.Volumes.Single().VolumeId, third.Volumes.Single().VolumeId);

        // Each notice recovered the managed instance exactly once.
        Assert.Equal(first.Generation + 2, third.Generation);
        Assert.Equal(2, third.History.Count(h => h.Kind == OperationKind.Recycle));
        Assert.All(third.History.Where(h => h.Kind == OperationKind.Recycle), h => Assert.Equal(OperationTrigger.SpotInterruption, h.Trigger));
    }

    private static async Task<ManagedInstanceView> WaitForRecoveryAsync(StatefulSpotClient client, ManagedInstanceView before)
    {
        // The test's client may have been talking to the killed silo's gateway: a call that finds it gone is repeated.
        var deadline = DateTime.UtcNow + Patience;
        ManagedInstanceView? after = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                after = await client.GetAsync(before.Id);
                if (after is { Status: not ManagedInstanceStatus.Recycling } && after.Generation > before.Generation)
                {
                    break;
                }
            }
            catch (Exception exception) when (exception is ConnectionFailedException or SiloUnavailableException or TimeoutException)
            {
            }

            await Task.Delay(100);
        }

        Assert.NotNull(after);
        Assert.True(after.Status == ManagedInstanceStatus.Active, $"the recovery ended in {after.Status}: {after.LastError}");
        Assert.NotEqual(before.InstanceId, after.InstanceId);
        return after;
    }
}
