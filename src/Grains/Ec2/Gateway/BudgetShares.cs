namespace StatefulSpot.Grains.Ec2.Gateway;

/// <summary>
/// How the silos of a cluster divide the account's EC2 budget: each bucket by the demand each silo reported for it
/// (calls made and waiting since its last report), so that a silo holding most of the fleet's recoveries gets most of
/// RunInstances, while every silo keeps a floor to start from when its own demand arrives.
/// </summary>
public static class BudgetShares
{
    /// <summary>
    /// The fraction of each bucket that <paramref name="silo"/> may use. <paramref name="reports"/>: every live silo's
    /// demand per bucket, <paramref name="silo"/>'s included. A bucket nobody wants is split evenly;
    /// otherwise <paramref name="floor"/> of it is split evenly and the rest in proportion to demand.
    /// </summary>
    public static IReadOnlyDictionary<string, double> For(string silo, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> reports, double floor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(floor);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(floor, 1);
        if (!reports.ContainsKey(silo))
        {
            throw new ArgumentException($"Silo {silo} has no report of its own.", nameof(reports));
        }

        var silos = reports.Count;
        var own = reports[silo];
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var bucket in reports.Values.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal))
        {
            var total = reports.Values.Sum(r => Math.Max(0, r.GetValueOrDefault(bucket)));
            var mine = Math.Max(0, own.GetValueOrDefault(bucket));
            shares[bucket] = total <= 0 ? 1.0 / silos : (floor / silos) + ((1 - floor) * mine / total);
        }

        return shares;
    }
}
