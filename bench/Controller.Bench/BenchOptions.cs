using System.Globalization;

namespace StatefulSpot.Controller.Bench;

internal enum Scenario
{
    Mass = 1,
    Creates = 2,
    Memory = 3,
    Single = 4,
    Junk = 5,
    Chaos = 6,
}

internal enum Topology
{
    /// <summary>One Silo process in local mode: SQLite, the emulator in the silo's process.</summary>
    Local = 1,

    /// <summary>A private PostgreSQL, the standalone emulator in its own process and N Silo processes in cluster mode.</summary>
    Cluster = 2,
}

/// <summary>The bench's command line.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        Controller.Bench: runs StatefulSpot as a user does (Silo processes, the embedded client, the emulator's control API)
        and measures the controller at fleet scale.

          dotnet run -c Release --project bench/Controller.Bench -- <scenario> [options]

        Scenarios:
          mass --n N        create N managed instances, interrupt all of them within ~3 s, measure the recoveries
          creates --n N     N creates at once, measure until all settle
          memory --n N      N Active managed instances: silo RSS per managed instance (cluster mode, 2 silos)
          single            one recovery of one persistence mode (--persistence): its downtime as the application sees it,
                            from the emulator's world, against the floor of the mode's path
          junk [--n N]      J junk messages queued, then N interruptions (default 1): how long a warning waits behind noise
          chaos --n M       M managed instances of every persistence mode under mixed faults and silo kills, then every
                            invariant checked and everything deleted; exits 3 on any violation (--seed, --fault-seconds)
          --quick           CI preset: local mode, mass --n 20 --time-scale 1 --notice-lead 10 --refill-real-time

        Topology:
          --mode local|cluster     local: one Silo process in local mode (in-process emulator); cluster: a private
                                   PostgreSQL, the standalone emulator process and --silos Silo processes
                                   (default: cluster for memory and for N >= 100, local otherwise)
          --silos N                Silo processes in cluster mode (default 2)
          --world FILE             emulator world file (default bench/worlds/large-subnets.json: /20 subnets)

        Emulator:
          --time-scale T           emulator TimeScale of the measured phase (default 1.0 = AWS timing)
          --create-time-scale T    emulator TimeScale while the fleet is created (default 0.05)
          --notice-lead SECONDS    Spot interruption notice lead, simulated seconds (default 120, as AWS)
          --refill-real-time       Throttling:RefillOnSimulatedClock=false (default: buckets refill on the simulated clock)
          --emulator-set KEY=VALUE any other EmulatorOptions key (e.g. Throttling:Scale=0.5); repeatable

        Silos:
          --budget-share S         StatefulSpot__Ec2__BudgetShare=S: the share of the account's EC2 API budget the
                                   controller may use (default 0.5); also the s of the bound
          --silo-env KEY=VALUE     passed to every silo verbatim; repeatable
                                   StatefulSpot__Ec2__BudgetMultiplier: set by the bench in cluster mode to
                                   1 / (the phase's time scale) when the emulator refills on its simulated clock, else 1;
                                   mass restarts the silos between the create phase and the measured phase when the two
                                   differ; local mode leaves it to the silo (set from its emulator at start-up).
                                   Giving it here fixes it for every phase (no restart)

        Bench:
          --n N                    managed instances (mass, creates, memory)
          --persistence P          single: reattach-eni (default, the demo), reattach, root-eni, onlaunch, or all: the four
                                   one after another in one deployment, a summary line each
          --concurrency N          concurrent client calls (creates, interrupts, polls; default 32)
          --create-timeout SECONDS longest wait for the fleet to be created (default from N and the create time scale)
          --settle SECONDS         memory: force grain collection, wait this long, then sample RSS again
          --junk J                 junk: messages of noise queued ahead of the N warnings (default 5000)
          --seed S                 chaos: seed of the fault schedule (default 1)
          --fault-seconds F        chaos: how long faults are injected, real seconds (default 60)
          --keep                   keep the temp directory (silo logs, PostgreSQL log) instead of deleting it
          --help
        """;

    public Scenario Scenario { get; private set; }

    public Topology? RequestedTopology { get; private set; }

    public int Silos { get; private set; } = 2;

    public int N { get; private set; }

    /// <summary>single: the persistence modes measured, in order (--persistence; all: the four).</summary>
    public IReadOnlyList<PersistenceMode> Persistence { get; private set; } = [PersistenceMode.ReattachEni];

    private bool PersistenceGiven { get; set; }

    /// <summary>chaos: the seed of the fault schedule (the same seed, the same schedule).</summary>
    public int Seed { get; private set; } = 1;

    /// <summary>chaos: how long faults are injected, real seconds.</summary>
    public int FaultSeconds { get; private set; } = 60;

    /// <summary>junk: messages put on the event queue ahead of the warnings.</summary>
    public int Junk { get; private set; } = 5000;

    public double TimeScale { get; private set; } = 1.0;

    public double CreateTimeScale { get; private set; } = 0.05;

    public double NoticeLeadSeconds { get; private set; } = 120;

    public bool RefillRealTime { get; private set; }

    public double BudgetShare { get; private set; } = 0.5;

    public List<KeyValuePair<string, string>> SiloEnvironment { get; } = [];

    public List<KeyValuePair<string, string>> EmulatorSettings { get; } = [];

    public int Concurrency { get; private set; } = 32;

    public double? CreateTimeoutSeconds { get; private set; }

    public double? SettleSeconds { get; private set; }

    public string? WorldFile { get; private set; }

    public bool Keep { get; private set; }

    public bool Quick { get; private set; }

    public bool Help { get; private set; }

    public Topology Topology => RequestedTopology ?? (Scenario is Scenario.Memory or Scenario.Chaos || N >= 100 ? Topology.Cluster : Topology.Local);

    public int SiloCount => Topology == Topology.Local ? 1 : Silos;

    /// <summary>Whether the emulator refills its throttling buckets on its simulated clock (the last word of --refill-real-time and --emulator-set).</summary>
    public bool RefillOnSimulatedClock =>
        EmulatorSettings.LastOrDefault(s => s.Key == "Throttling:RefillOnSimulatedClock") is { Key: not null } set
            ? !string.Equals(set.Value, "false", StringComparison.OrdinalIgnoreCase)
            : !RefillRealTime;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            switch (arg)
            {
                case "mass": options.Scenario = Scenario.Mass; break;
                case "creates": options.Scenario = Scenario.Creates; break;
                case "memory": options.Scenario = Scenario.Memory; break;
                case "single": options.Scenario = Scenario.Single; break;
                case "junk": options.Scenario = Scenario.Junk; break;
                case "chaos": options.Scenario = Scenario.Chaos; break;
                case "--seed": options.Seed = PositiveInt(arg, Next()); break;
                case "--fault-seconds": options.FaultSeconds = PositiveInt(arg, Next()); break;
                case "--junk": options.Junk = PositiveInt(arg, Next()); break;
                case "--quick":
                    options.Quick = true;
                    options.Scenario = Scenario.Mass;
                    options.RequestedTopology = Topology.Local;
                    options.N = 20;
                    options.TimeScale = 1;
                    options.NoticeLeadSeconds = 10;
                    options.RefillRealTime = true;
                    break;
                case "--mode":
                    var mode = Next();
                    options.RequestedTopology = mode switch
                    {
                        "local" => Topology.Local,
                        "cluster" => Topology.Cluster,
                        _ => throw new ArgumentException($"--mode must be local or cluster, not '{mode}'."),
                    };
                    break;
                case "--silos": options.Silos = PositiveInt(arg, Next()); break;
                case "--n": options.N = PositiveInt(arg, Next()); break;
                case "--persistence":
                    var persistence = Next();
                    options.PersistenceGiven = true;
                    options.Persistence = persistence == "all"
                        ? PersistenceModes.All
                        : [PersistenceModes.Parse(persistence)
                            ?? throw new ArgumentException($"--persistence must be reattach-eni, reattach, root-eni, onlaunch or all, not '{persistence}'.")];
                    break;
                case "--time-scale": options.TimeScale = Positive(arg, Next()); break;
                case "--create-time-scale": options.CreateTimeScale = Positive(arg, Next()); break;
                case "--notice-lead": options.NoticeLeadSeconds = NonNegative(arg, Next()); break;
                case "--refill-real-time": options.RefillRealTime = true; break;
                case "--budget-share":
                    options.BudgetShare = Positive(arg, Next());
                    if (options.BudgetShare > 1)
                    {
                        throw new ArgumentException("--budget-share must be in (0, 1].");
                    }

                    break;
                case "--silo-env": options.SiloEnvironment.Add(KeyValue(arg, Next())); break;
                case "--emulator-set": options.EmulatorSettings.Add(KeyValue(arg, Next())); break;
                case "--concurrency": options.Concurrency = PositiveInt(arg, Next()); break;
                case "--create-timeout": options.CreateTimeoutSeconds = Positive(arg, Next()); break;
                case "--settle": options.SettleSeconds = NonNegative(arg, Next()); break;
                case "--world": options.WorldFile = Path.GetFullPath(Next()); break;
                case "--keep": options.Keep = true; break;
                case "--help" or "-h": options.Help = true; break;
                default: throw new ArgumentException($"Unknown argument '{arg}' (see --help).");
            }
        }

        if (options.Help)
        {
            return options;
        }

        if (options.Scenario == 0)
        {
            throw new ArgumentException("Name a scenario: mass, creates, memory, single, junk or chaos (or --quick).");
        }

        if (options.PersistenceGiven && options.Scenario != Scenario.Single)
        {
            throw new ArgumentException("--persistence is an option of single.");
        }

        if (options.Scenario == Scenario.Single || (options.Scenario == Scenario.Junk && options.N == 0))
        {
            options.N = 1;
        }
        else if (options.N == 0)
        {
            throw new ArgumentException($"{options.Scenario.ToString().ToLowerInvariant()} needs --n N.");
        }

        return options;
    }

    private static KeyValuePair<string, string> KeyValue(string name, string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            ? new(value[..equals], value[(equals + 1)..])
            : throw new ArgumentException($"{name} takes KEY=VALUE, not '{value}'.");
    }

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive whole number, not '{value}'.");

    private static double Positive(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x > 0
            ? x
            : throw new ArgumentException($"{name} must be a positive number, not '{value}'.");

    private static double NonNegative(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x >= 0
            ? x
            : throw new ArgumentException($"{name} must be a number >= 0, not '{value}'.");
}
