using Microsoft.Extensions.Logging;
using StatefulSpot.Emulator.Control;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2;
using StatefulSpot.Emulator.Ec2.Actions;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Ec2.Xml;
using StatefulSpot.Emulator.Events;
using StatefulSpot.Emulator.Persistence;
using StatefulSpot.Emulator.Sqs;

namespace StatefulSpot.Emulator.Hosting;

/// <summary>
/// The composition root: builds the world (fresh or from the state file), the rules, the two wire dispatchers, the
/// transition scheduler and the state file, and wires them together. Knows nothing of HTTP hosting.
/// </summary>
internal sealed partial class EmulatorRuntime : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WorldGate _gate;
    private readonly QueueOperations _queues;
    private readonly InstanceOperations _instances;
    private readonly TransitionScheduler _scheduler;
    private readonly StateFileStore? _store;
    private readonly CancellationTokenSource _stopping = new();

    public EmulatorRuntime(EmulatorOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _time = time;
        _logger = loggers.CreateLogger<EmulatorRuntime>();
        var catalog = new Catalog(options.Region);
        var state = (options.StateFile is { } path ? StateFileStore.Load(path) : null) ?? new EmulatorState();
        Loaded = state.Ec2.Instances.Count + state.Ec2.Volumes.Count + state.Ec2.NetworkInterfaces.Count > 0;
        var image = MachineImage.Default();
        state.Ec2.Images.TryAdd(image.ImageId, image);

        _gate = new WorldGate(state);
        _queues = new QueueOperations(options, time);
        var messages = new MessageOperations(time);
        var events = new EventPublisher(options, messages);
        var context = new Ec2Context(options, catalog, new SimulatedDurations(options), time, events);
        var volumes = new VolumeOperations(context);
        var interfaces = new NetworkInterfaceOperations(context);
        _instances = new InstanceOperations(context);
        var xml = new SharedXml(options, catalog);

        var table = new Ec2ActionTable();
        new InstanceActions(new InstanceLauncher(context, interfaces, volumes), _instances, new InstanceXml(xml)).Register(table);
        new VolumeActions(volumes, new VolumeXml(xml)).Register(table);
        new NetworkInterfaceActions(interfaces, new NetworkInterfaceXml(xml)).Register(table);
        new NetworkActions(catalog, options, new NetworkXml(xml, options)).Register(table);
        Ec2 = new Ec2QueryDispatcher(_gate, table, loggers.CreateLogger<Ec2QueryDispatcher>());
        Sqs = new SqsJsonDispatcher(new SqsActions(_gate, _queues, messages, time), loggers.CreateLogger<SqsJsonDispatcher>(), _stopping.Token);

        _scheduler = new TransitionScheduler(_gate, new TransitionRunner(_instances), time, loggers.CreateLogger<TransitionScheduler>());
        _store = options.StateFile is { } file
            ? new StateFileStore(file, options.StateFileSaveDelay, _gate, time, loggers.CreateLogger<StateFileStore>())
            : null;

        // The first write creates the event queue and arms the scheduler (resuming transitions loaded from the file).
        _gate.Write(s => _queues.Create(s.Sqs, options.EventQueueName, new Dictionary<string, string>(), new Dictionary<string, string>()));
    }

    public Ec2QueryDispatcher Ec2 { get; }

    public SqsJsonDispatcher Sqs { get; }

    /// <summary>Whether EC2 resources were loaded from the state file.</summary>
    public bool Loaded { get; }

    public string QueueUrl(string serviceUrl, string name) => _queues.QueueUrl(serviceUrl, name);

    /// <summary>Issues a Spot interruption (see <see cref="InstanceOperations.Interrupt"/>).</summary>
    public InterruptionNotice Interrupt(string instanceId)
    {
        var notice = _gate.Write(s => _instances.Interrupt(s, instanceId));
        LogInterrupted(instanceId, notice.EventId, notice.TerminationTime);
        return notice;
    }

    public WorldSnapshot Snapshot(string serviceUrl) => _gate.Read(s => SnapshotBuilder.Build(s, _queues, serviceUrl, _time.GetUtcNow()));

    /// <summary>Ends pending long polls (they answer with no messages) before the server stops.</summary>
    public void BeginStop() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Cancel();
        _scheduler.Dispose();
        _store?.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Spot interruption warning {EventId} issued for {InstanceId}; it is interrupted at {TerminationTime}")]
    private partial void LogInterrupted(string instanceId, string eventId, DateTimeOffset terminationTime);
}
