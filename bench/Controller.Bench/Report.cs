using System.Globalization;

namespace StatefulSpot.Controller.Bench;

/// <summary>A scenario's figures as a two-column markdown table, then its one summary line.</summary>
internal sealed class Report(string title)
{
    private readonly List<(string Name, string Value)> _rows = [];

    public Report Add(string name, string value)
    {
        _rows.Add((name, value));
        return this;
    }

    public Report Add(string name, double value, string format = "0.0", string unit = "") =>
        Add(name, double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture) + unit);

    public void Print(string summaryLine)
    {
        Console.WriteLine();
        Console.WriteLine($"### {title}");
        Console.WriteLine();
        Console.WriteLine("| figure | value |");
        Console.WriteLine("| --- | --- |");
        foreach (var (name, value) in _rows)
        {
            Console.WriteLine($"| {name} | {value.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        Console.WriteLine();
        Console.WriteLine(summaryLine);
    }

    public static string F(double value, string format = "0.0") =>
        double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Nearest-rank percentile of <paramref name="values"/> (NaN when empty).</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}

/// <summary>
/// How long recovering N interrupted instances must take at least, in emulated seconds, when the controller may use the
/// share s of the account's EC2 budget: the old instance shutting down (20 s), one API call (0.1 s), the RunInstances
/// request bucket (5 burst, 2 per s in AWS, scaled by s) for the launches beyond the burst, RunInstances' own latency
/// (1.5 s), pending → running (8 s), two calls (0.1 s each) and the volume attachment (2 s).
/// </summary>
internal static class Bound
{
    public const double Fixed = 20 + 0.1 + 1.5 + 8 + 0.1 + 0.1 + 2;

    public static double BucketPart(int n, double share) => Math.Max(0, n - 5 * share) / (2 * share);

    public static double Seconds(int n, double share) => Fixed + BucketPart(n, share);

    public static string Formula(int n, double share) =>
        string.Create(CultureInfo.InvariantCulture, $"20 + 0.1 + max(0, {n} - 5*{share})/(2*{share}) + 1.5 + 8 + 0.1 + 0.1 + 2 = {Seconds(n, share):0.0} s");
}
