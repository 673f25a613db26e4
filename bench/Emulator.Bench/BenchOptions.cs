using System.Globalization;

namespace StatefulSpot.Emulator.Bench;

/// <summary>The benchmark's command line.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        Emulator.Bench: seeds an in-process emulator, then measures DescribeInstances and DescribeVolumes through AWSSDK.EC2 over HTTP.

          dotnet run -c Release --project bench/Emulator.Bench -- [options]

          --duration SECONDS     measured time per API (default 20)
          --warmup SECONDS       unmeasured load before each measurement (default 3)
          --workers N            concurrent request loops (default 8)
          --resources N          total seeded resources, half instances and half volumes (default 10000)
          --instances N          seeded instances (overrides the half of --resources)
          --volumes N            seeded stand-alone volumes (overrides the half of --resources)
          --batch N              instances per RunInstances call, one tag group per call (default 50)
          --page-size N          MaxResults of the paged requests (default 100)
          --time-scale X         Emulator TimeScale while seeding and measuring (default 0.001)
          --only instances|volumes   measure one API only
          --kinds LIST           request kinds in the mix, comma-separated: by-id,by-tag,paged (default all three)
          --set KEY=VALUE        any EmulatorOptions key (e.g. Throttling:Enabled=false, WorldFile=big.json); repeatable
          --baseline             also run the same mix against canned responses captured from the emulator (the ceiling of
                                 the SDK client + Kestrel + loopback HTTP on this machine, without the emulator's work)
          --seed N               random seed of the request mix (default 42)
          --help
        """;

    public double DurationSeconds { get; private set; } = 20;

    public double WarmupSeconds { get; private set; } = 3;

    public int Workers { get; private set; } = 8;

    public int Instances { get; private set; } = 5000;

    public int Volumes { get; private set; } = 5000;

    public int Batch { get; private set; } = 50;

    public int PageSize { get; private set; } = 100;

    public double TimeScale { get; private set; } = 0.001;

    public string? Only { get; private set; }

    public IReadOnlyList<RequestKind> Kinds { get; private set; } = [RequestKind.ById, RequestKind.ByTag, RequestKind.Paged];

    public Dictionary<string, string> EmulatorSettings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public int Seed { get; private set; } = 42;

    public bool Help { get; private set; }

    public bool Baseline { get; private set; }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        int? instances = null;
        int? volumes = null;
        var resources = 10_000;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--duration":
                    options.DurationSeconds = Positive(name, Double(name, Value()));
                    break;
                case "--warmup":
                    options.WarmupSeconds = NonNegative(name, Double(name, Value()));
                    break;
                case "--workers":
                    options.Workers = (int)Positive(name, Int(name, Value()));
                    break;
                case "--resources":
                    resources = (int)NonNegative(name, Int(name, Value()));
                    break;
                case "--instances":
                    instances = (int)NonNegative(name, Int(name, Value()));
                    break;
                case "--volumes":
                    volumes = (int)NonNegative(name, Int(name, Value()));
                    break;
                case "--batch":
                    options.Batch = (int)Positive(name, Int(name, Value()));
                    break;
                case "--page-size":
                    options.PageSize = (int)Positive(name, Int(name, Value()));
                    break;
                case "--time-scale":
                    options.TimeScale = NonNegative(name, Double(name, Value()));
                    break;
                case "--only":
                    options.Only = Value() switch
                    {
                        "instances" => "instances",
                        "volumes" => "volumes",
                        var other => throw new ArgumentException($"--only takes instances or volumes, not '{other}'."),
                    };
                    break;
                case "--kinds":
                    options.Kinds = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(k => k switch
                    {
                        "by-id" => RequestKind.ById,
                        "by-tag" => RequestKind.ByTag,
                        "paged" => RequestKind.Paged,
                        _ => throw new ArgumentException($"--kinds takes by-id, by-tag and paged, not '{k}'."),
                    }).Distinct().ToList();
                    if (options.Kinds.Count == 0)
                    {
                        throw new ArgumentException("--kinds needs at least one kind.");
                    }

                    break;
                case "--set":
                    var pair = Value();
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        throw new ArgumentException($"--set takes KEY=VALUE, not '{pair}'.");
                    }

                    options.EmulatorSettings[pair[..equals]] = pair[(equals + 1)..];
                    break;
                case "--seed":
                    options.Seed = Int(name, Value());
                    break;
                case "--baseline":
                    options.Baseline = true;
                    break;
                case "--help" or "-h":
                    options.Help = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        options.Instances = instances ?? resources / 2;
        options.Volumes = volumes ?? resources - resources / 2;
        return options;
    }

    private static double Double(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d
            : throw new ArgumentException($"{name} takes a number, not '{value}'.");

    private static int Int(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException($"{name} takes a whole number, not '{value}'.");

    private static double Positive(string name, double value) =>
        value > 0 ? value : throw new ArgumentException($"{name} must be > 0.");

    private static double NonNegative(string name, double value) =>
        value >= 0 ? value : throw new ArgumentException($"{name} must be >= 0.");
}
