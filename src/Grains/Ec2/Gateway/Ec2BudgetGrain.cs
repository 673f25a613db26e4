namespace StatefulSpot.Grains.Ec2.Gateway;

/// <summary>
/// The one place the silos meet to divide the account's EC2 budget: each silo reports its demand per bucket about once
/// a second and is answered with its share (<see cref="BudgetShares"/>). Nothing durable: after a restart the reports
/// come back within a second, and until then each silo divides the budget evenly.
/// </summary>
[Alias("statefulspot.IEc2BudgetGrain")]
public interface IEc2BudgetGrain : IGrainWithIntegerKey
{
    const long Key = 0;

    /// <summary>Records <paramref name="silo"/>'s demand and returns its fraction of each bucket.</summary>
    [Alias("share")]
    Task<IReadOnlyDictionary<string, double>> ShareAsync(string silo, IReadOnlyDictionary<string, double> demand, CancellationToken cancellationToken = default);
}

public sealed class Ec2BudgetGrain(Microsoft.Extensions.Options.IOptions<Ec2GatewayOptions> options, TimeProvider time) : Grain, IEc2BudgetGrain
{
    /// <summary>How many report intervals a silo's demand counts for without a new report.</summary>
    public const int ReportLifetimeInIntervals = 10;

    private readonly Dictionary<string, (DateTimeOffset At, IReadOnlyDictionary<string, double> Demand)> _reports = new(StringComparer.Ordinal);

    public Task<IReadOnlyDictionary<string, double>> ShareAsync(string silo, IReadOnlyDictionary<string, double> demand, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        _reports[silo] = (now, demand);

        // A silo that stopped reporting (stopped, or cut off) no longer holds a share; a busy one may report late.
        var expiry = options.Value.ShareRefresh * ReportLifetimeInIntervals;
        foreach (var gone in _reports.Where(r => now - r.Value.At > expiry).Select(r => r.Key).ToList())
        {
            _reports.Remove(gone);
        }

        var live = _reports.ToDictionary(r => r.Key, r => r.Value.Demand, StringComparer.Ordinal);
        return Task.FromResult(BudgetShares.For(silo, live, options.Value.ShareFloor));
    }
}
