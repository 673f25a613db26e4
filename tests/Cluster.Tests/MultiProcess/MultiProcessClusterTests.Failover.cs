using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StatefulSpot.Client;

namespace StatefulSpot.Cluster.Tests.MultiProcess;

public sealed partial class MultiProcessClusterTests
{
    /// <summary>
    /// A client whose gateway silo dies: the calls in flight to it fail within the client's response timeout (Orleans'
    /// own 30 s would hang them), and the calls after go to the live gateway and succeed.
    /// </summary>
    [Fact]
    public async Task AGatewaySiloKilled_CallsInFlightFailWithinTheClientsResponseTimeout_AndLaterCallsSucceedThroughTheLiveOne()
    {
        using var host = new HostBuilder()
            .UseStatefulSpotClient(o =>
            {
                o.ConnectionString = _connectionString;
                o.ClusterId = ClusterId;
                o.ServiceId = ServiceId;
                o.ResponseTimeout = TimeSpan.FromSeconds(5);
                o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2);
            })
            .Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<StatefulSpotClient>();
        await client.ListAsync();

        var killed = 0;
        var succeededAfter = 0;
        var failed = 0;
        var slowestTicks = 0L;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        async Task CallAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var clock = Stopwatch.StartNew();
                var wasKilled = Volatile.Read(ref killed) == 1;
                try
                {
                    await client.ListAsync();
                    if (wasKilled)
                    {
                        Interlocked.Increment(ref succeededAfter);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Interlocked.Increment(ref failed);
                }

                var elapsed = clock.Elapsed.Ticks;
                for (var seen = Interlocked.Read(ref slowestTicks); elapsed > seen; seen = Interlocked.Read(ref slowestTicks))
                {
                    Interlocked.CompareExchange(ref slowestTicks, elapsed, seen);
                }

                await Task.Delay(20, CancellationToken.None);
            }
        }

        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(CallAsync)).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(2));
        _silos[0].Kill();
        Volatile.Write(ref killed, 1);
        while (!stop.IsCancellationRequested && Volatile.Read(ref succeededAfter) < 50)
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await Task.WhenAll(callers);

        Assert.True(succeededAfter >= 50, $"only {succeededAfter} calls succeeded in 3 minutes after the kill ({failed} failed)");
        var slowest = TimeSpan.FromTicks(slowestTicks);
        Assert.True(slowest < TimeSpan.FromSeconds(15), $"a call waited {slowest.TotalSeconds:0.0} s for a dead silo ({failed} failed): the response timeout did not apply");
        await host.StopAsync(CancellationToken.None);
    }
}
