using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace StatefulSpot.Emulator.Bench;

/// <summary>
/// Builds the <see cref="EmulatorOptions"/> the way the standalone emulator does (configuration binding), so that keys
/// only some emulator builds know (throttling, API call latency) can be set without compiling against them.
/// </summary>
internal static class EmulatorSettings
{
    /// <summary>What the benchmark turns off unless told otherwise: it measures the emulator's own work, not its simulated delays or limits.</summary>
    private static readonly KeyValuePair<string, string>[] Defaults =
    [
        new("EmitStateChangeEvents", "false"),
        new("Throttling:Enabled", "false"),
        new("ApiCallLatency", "00:00:00"),
        new("RunInstancesCallLatency", "00:00:00"),
    ];

    public static (EmulatorOptions Options, IReadOnlyList<string> Report) Create(BenchOptions bench)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["TimeScale"] = bench.TimeScale.ToString("R", CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in Defaults)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in bench.EmulatorSettings)
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var options = new EmulatorOptions();
        configuration.Bind(options);
        var report = settings
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => Exists(s.Key) ? $"{s.Key}={s.Value}" : $"{s.Key}={s.Value} (not an option of this emulator build: ignored)")
            .ToList();
        return (options, report);
    }

    private static bool Exists(string key)
    {
        var type = typeof(EmulatorOptions);
        foreach (var segment in key.Split(':'))
        {
            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return false;
            }

            type = property.PropertyType;
        }

        return true;
    }
}
