using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StatefulSpot.Grains.Ec2.Gateway;

namespace StatefulSpot.Silo.Hosting;

/// <summary>
/// While the silo is active: about once a second, reports this silo's EC2 demand to <see cref="IEc2BudgetGrain"/> and
/// applies the share it answers, so the budget follows the work (after a rolling restart most of a fleet may live on
/// one silo). When the silos cannot meet, each falls back to an even split across the live silos.
/// </summary>
internal sealed partial class Ec2BudgetSharing(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    Ec2Budget budget,
    IOptions<Ec2GatewayOptions> options,
    TimeProvider time,
    ILogger<Ec2BudgetSharing> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int FailuresBeforeEvenSplit = 3;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(Ec2BudgetSharing), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var name = silo.SiloAddress.ToParsableString();
        var coordinator = grains.GetGrain<IEc2BudgetGrain>(IEc2BudgetGrain.Key);
        using var timer = new PeriodicTimer(options.Value.ShareRefresh, time);
        var failures = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    using var call = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    call.CancelAfter(options.Value.ShareRefresh * FailuresBeforeEvenSplit);
                    budget.ApplyShares(await coordinator.ShareAsync(name, budget.TakeDemand(), call.Token));
                    failures = 0;
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested)
                {
                    if (++failures == FailuresBeforeEvenSplit)
                    {
                        budget.ClearShares();
                        LogEvenSplit(exception.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The silos cannot divide the EC2 budget by demand ({Reason}); this silo takes an even share of it until they can")]
    private partial void LogEvenSplit(string reason);
}
