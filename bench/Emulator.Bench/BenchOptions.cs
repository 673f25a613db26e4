using System.Globalization;

namespace StatefulSpot.Emulator.Bench;

/// <summary>Where the emulator under test runs.</summary>
internal enum BenchMode
{
    /// <summary>Default: the bench starts itself with <c>--server</c> as a child process and drives it over loopback.</summary>
    OutOfProcess,

    /// <summary><c>--in-process</c>: emulator and load generator in one process (the original set-up).</summary>
    InProcess,

    /// <summary><c>--url URL</c>: load generator only, against an emulator already running there.</summary>
    Client,

    /// <summary><c>--server</c>: the emulator only, until standard input closes.</summary>
    Server,

    /// <summary><c>--canned-server</c>: the baseline's canned responses only (started by the bench for <c>--baseline</c>).</summary>
    CannedServer,
}

/// <summary>The benchmark's command line.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        Emulator.Bench: seeds an emulator, then measures DescribeInstances and DescribeVolumes through AWSSDK.EC2 over HTTP.

          dotnet run -c Release --project bench/Emulator.Bench -- [options]

        By default the emulator runs in a child process (this program with --server) and the load generator here.

          --in-process           emulator and load generator in one process instead
          --url URL              load generator only, against the emulator at URL (e.g. one started with --server
                                 on other cores or another machine); seeds it first, so it should be empty
          --server               run only the emulator (with --time-scale and --set) until standard input closes
          --listen URL           where --server listens (default http://127.0.0.1:0, a free port)

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
          --raw                  send the mix as raw EC2 Query posts and only scan the XML for the item count and NextToken,
                                 instead of the AWS SDK client (which parses every response into objects): the load
                                 generator then leaves more of a shared machine to the emulator
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

    /// <summary><c>--raw</c>: the load generator posts form bodies itself instead of going through the SDK.</summary>
    public bool Raw { get; private set; }

    public BenchMode Mode { get; private set; } = BenchMode.OutOfProcess;

    /// <summary>--url (client mode) or --emulator (canned server: where to capture the bodies).</summary>
    public Uri? Url { get; private set; }

    public string Listen { get; private set; } = "http://127.0.0.1:0";

    /// <summary>Canned server: the ids its by-id bodies are captured with.</summary>
    public IReadOnlyList<string> InstanceIds { get; private set; } = [];

    /// <summary>Canned server: the ids its by-id bodies are captured with.</summary>
    public IReadOnlyList<string> VolumeIds { get; private set; } = [];

    /// <summary>The arguments that give a child server process the same emulator settings.</summary>
    public IEnumerable<string> ServerArguments()
    {
        yield return "--time-scale";
        yield return TimeScale.ToString("R", CultureInfo.InvariantCulture);
        foreach (var (key, value) in EmulatorSettings)
        {
            yield return "--set";
            yield return key + "=" + value;
        }
    }

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
                case "--raw":
                    options.Raw = true;
                    break;
                case "--in-process":
                    options.Mode = BenchMode.InProcess;
                    break;
                case "--url":
                    options.Mode = BenchMode.Client;
                    options.Url = AbsoluteUrl(name, Value());
                    break;
                case "--server":
                    options.Mode = BenchMode.Server;
                    break;
                case "--listen":
                    options.Listen = AbsoluteUrl(name, Value()).ToString().TrimEnd('/');
                    break;
                case "--canned-server":
                    options.Mode = BenchMode.CannedServer;
                    break;
                case "--emulator":
                    options.Url = AbsoluteUrl(name, Value());
                    break;
                case "--instance-ids":
                    options.InstanceIds = Value().Split(',', StringSplitOptions.RemoveEmptyEntries);
                    break;
                case "--volume-ids":
                    options.VolumeIds = Value().Split(',', StringSplitOptions.RemoveEmptyEntries);
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

    private static Uri AbsoluteUrl(string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new ArgumentException($"{name} takes an http URL, not '{value}'.");

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
