using Microsoft.Extensions.DependencyInjection;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Grains.Ec2.Gateway;

namespace StatefulSpot.Cluster.Tests.Fleet;

/// <summary>The silos divide the account's EC2 budget by their demand, not evenly: the budget follows the work.</summary>
public sealed class BudgetSharingTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{
    [Fact]
    public async Task SiloWithTheWaitingLaunches_GetsMostOfRunInstances()
    {
        var (busy, idle) = (Budget(0), Budget(1));
        var busyBucket = busy.For("RunInstances");
        var idleBucket = idle.For("RunInstances");

        // Launches queue on one silo only (after a rolling restart most of a fleet may live there): more than the
        // cluster's budget serves during the test, whatever the test clock's multiplier.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var launches = Enumerable.Range(0, 10_000).Select(_ => Take(busyBucket, stop.Token)).ToList();
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (busyBucket.RefillPerSecond < 5 * idleBucket.RefillPerSecond && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.True(busyBucket.RefillPerSecond >= 5 * idleBucket.RefillPerSecond,
                $"the silo with the demand refills {busyBucket.RefillPerSecond}/s, the idle one {idleBucket.RefillPerSecond}/s");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(launches);
        }

        // The whole is still the configured share: the silos did not add to it.
        var whole = Ec2Budget.DefaultLimit("RunInstances").RefillPerSecond * 0.5 * Multiplier();
        Assert.True(busyBucket.RefillPerSecond + idleBucket.RefillPerSecond <= whole + 1e-9,
            $"{busyBucket.RefillPerSecond} + {idleBucket.RefillPerSecond} exceeds the cluster's {whole}/s");
    }

    private Ec2Budget Budget(int silo) => fixture.Cluster.Silos[silo].ServiceProvider.GetRequiredService<Ec2Budget>();

    private double Multiplier() =>
        fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Ec2GatewayOptions>>().Value.BudgetMultiplier;

    private static async Task Take(PriorityTokenBucket bucket, CancellationToken cancellationToken)
    {
        try
        {
            await bucket.AcquireAsync(Ec2CallPriority.Recovery, 0, TimeSpan.FromSeconds(30), "RunInstances", cancellationToken);
        }
        catch (Exception exception) when (exception is OperationCanceledException or Ec2BudgetExhaustedException)
        {
            // The test is over.
        }
    }
}
