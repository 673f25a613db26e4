using System.Globalization;

namespace StatefulSpot.Controller.Bench;

/// <summary>
/// One scrape of the silos' Prometheus <c>/metrics</c> (the sum over silos of each series), with the few figures the bench
/// reads: EC2 calls (<c>statefulspot_ec2_calls_total</c>), calls that ended throttled after the SDK's retries
/// (<c>statefulspot_ec2_throttles_total</c>) and the EventBridge event lag histogram (<c>statefulspot_events_lag_seconds</c>).
/// </summary>
internal sealed class SiloMetrics
{
    public const string Ec2Calls = "statefulspot_ec2_calls_total";
    public const string Ec2Throttles = "statefulspot_ec2_throttles_total";
    public const string EventLag = "statefulspot_events_lag_seconds";
    public const string EventReceiveLag = "statefulspot_events_receive_lag_seconds";
    private const string WarningKind = "kind=\"spot_interruption_warning\"";

    private readonly Dictionary<string, double> _series;

    private SiloMetrics(Dictionary<string, double> series) => _series = series;

    public static async Task<SiloMetrics> ScrapeAsync(HttpClient http, IEnumerable<Uri> webUrls, CancellationToken ct)
    {
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var url in webUrls)
        {
            var text = await http.GetStringAsync(new Uri(url, "metrics"), ct).ConfigureAwait(false);
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var space = line.LastIndexOf(' ');
                var name = line[..space];
                if (!name.StartsWith("statefulspot_", StringComparison.Ordinal))
                {
                    continue;
                }

                // a trailing timestamp: "name{...} value timestamp"
                var valueText = line[(space + 1)..];
                if (name.LastIndexOf('}') is var brace and > 0 && brace < name.Length - 1)
                {
                    valueText = name[(brace + 2)..];
                    name = name[..(brace + 1)];
                }

                if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    series[name] = series.GetValueOrDefault(name) + value;
                }
            }
        }

        return new SiloMetrics(series);
    }

    public double Sum(string metric) => _series.Where(s => IsOf(s.Key, metric)).Sum(s => s.Value);

    /// <summary>Calls per action (label <c>action</c>) of <paramref name="metric"/>.</summary>
    public Dictionary<string, double> ByAction(string metric) => _series
        .Where(s => IsOf(s.Key, metric))
        .GroupBy(s => Label(s.Key, "action") ?? "?")
        .ToDictionary(g => g.Key, g => g.Sum(s => s.Value));

    /// <summary>The warning lag (<paramref name="metric"/>: to the grain, or to the receive) between two scrapes: count, mean and the bucket bound under which 95% fell.</summary>
    public (double Count, double MeanSeconds, string P95UpperBound) WarningLagSince(SiloMetrics before, string metric = EventLag)
    {
        double Delta(string key) => _series.GetValueOrDefault(key) - before._series.GetValueOrDefault(key);
        var count = _series.Keys.Where(k => k.StartsWith(metric + "_count{", StringComparison.Ordinal) && k.Contains(WarningKind, StringComparison.Ordinal)).Sum(Delta);
        var sum = _series.Keys.Where(k => k.StartsWith(metric + "_sum{", StringComparison.Ordinal) && k.Contains(WarningKind, StringComparison.Ordinal)).Sum(Delta);
        var buckets = _series.Keys
            .Where(k => k.StartsWith(metric + "_bucket{", StringComparison.Ordinal) && k.Contains(WarningKind, StringComparison.Ordinal))
            .GroupBy(k => Label(k, "le") ?? "+Inf")
            .Select(g => (Le: g.Key, Count: g.Sum(Delta)))
            .OrderBy(b => b.Le == "+Inf" ? double.PositiveInfinity : double.Parse(b.Le, CultureInfo.InvariantCulture))
            .ToList();
        var p95 = buckets.FirstOrDefault(b => b.Count >= 0.95 * count).Le ?? "?";
        return (count, count > 0 ? sum / count : double.NaN, p95);
    }

    public bool Has(string metric) => _series.Keys.Any(k => IsOf(k, metric));

    public SiloMetricsDelta Since(SiloMetrics before) => new(this, before);

    private static bool IsOf(string key, string metric) =>
        key.StartsWith(metric, StringComparison.Ordinal) && (key.Length == metric.Length || key[metric.Length] == '{');

    private static string? Label(string key, string label)
    {
        var start = key.IndexOf(label + "=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += label.Length + 2;
        var end = key.IndexOf('"', start);
        return key[start..end];
    }
}

internal sealed record SiloMetricsDelta(SiloMetrics After, SiloMetrics Before)
{
    public double Sum(string metric) => After.Sum(metric) - Before.Sum(metric);

    public Dictionary<string, double> ByAction(string metric)
    {
        var before = Before.ByAction(metric);
        return After.ByAction(metric).ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key));
    }
}
