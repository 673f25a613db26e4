using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StatefulSpot.Emulator.Control;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2;
using StatefulSpot.Emulator.Ec2.Actions;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Ec2.Xml;
using StatefulSpot.Emulator.Events;
using StatefulSpot.Emulator.Faults;
using StatefulSpot.Emulator.Persistence;
using StatefulSpot.Emulator.Sqs;
using StatefulSpot.Emulator.Throttling;
using StatefulSpot.Emulator.World;

namespace StatefulSpot.Emulator.Hosting;

/// <summary>
/// The composition root: loads the world definition, builds the world (fresh or from the state file), the rules, the
/// two wire dispatchers, the control plane, the transition scheduler and the state file, and wires them together.
/// Knows nothing of HTTP hosting.
/// </summary>
internal sealed class EmulatorRuntime : IDisposable
{
    private readonly WorldGate _gate;
    private readonly QueueOperations _queues;
    private readonly TransitionScheduler _scheduler;
    private readonly StateFileStore? _store;
    private readonly CancellationTokenSource _stopping = new();

    public EmulatorRuntime(EmulatorOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        World = WorldLoader.Load(options.WorldFile, options.Region);
        var catalog = new Catalog(World, options.Region);
        var state = (options.StateFile is { } path ? StateFileStore.Load(path) : null) ?? new EmulatorState();
        Loaded = state.Ec2.Instances.Count + state.Ec2.Volumes.Count + state.Ec2.NetworkInterfaces.Count + state.Ec2.Snapshots.Count > 0;
        WorldSeed.Apply(state, World);

        var clock = new SimulationClock(options.TimeScale, time);
        var faults = new FaultInjector(new Random());
        var throttle = new Ec2Throttle(options.Throttling, clock);
        var durations = new SimulatedDurations(options, clock);
        _gate = new WorldGate(state);
        _queues = new QueueOperations(options, time);
        var messages = new MessageOperations(time);
        var events = new EventPublisher(options, messages);
        var context = new Ec2Context(options, catalog, durations, clock, events, new Ec2Lookup(faults, clock));
        var capacity = new CapacityOperations(context);
        var volumes = new VolumeOperations(context);
        var interfaces = new NetworkInterfaceOperations(context);
        var instances = new InstanceOperations(context, capacity);
        var spot = new SpotOperations(context, capacity);
        var snapshots = new SnapshotOperations(context);
        var images = new ImageOperations(context, snapshots);
        var xml = new SharedXml(options, catalog);

        var table = new Ec2ActionTable();
        new InstanceActions(
            new InstanceLauncher(context, interfaces, volumes, capacity), instances, new InstanceQueries(context),
            new InstanceAttributeOperations(context), new InstanceXml(xml), new InstanceStatusXml(xml)).Register(table);
        new VolumeActions(volumes, new VolumeXml(xml)).Register(table);
        new SnapshotActions(snapshots, new SnapshotXml(xml, clock)).Register(table);
        new ImageActions(images, new ImageXml(xml)).Register(table);
        new NetworkInterfaceActions(interfaces, new NetworkInterfaceAttachmentOperations(context), new SecondaryAddressOperations(context), new NetworkInterfaceXml(xml))
            .Register(table);
        new AddressActions(new AddressOperations(context), new AddressXml(xml, options)).Register(table);
        new NetworkActions(catalog, options, new NetworkXml(xml, options, catalog)).Register(table);
        new InstanceTypeActions(catalog, options).Register(table);
        new TagActions(new TagOperations(context)).Register(table);
        new PricingActions(new SpotPriceOperations(context, time.GetUtcNow())).Register(table);
        Ec2 = new Ec2QueryDispatcher(_gate, table, throttle, faults, durations, time, loggers.CreateLogger<Ec2QueryDispatcher>());
        var sqsActions = new SqsActions(_gate, _queues, messages, time);
        Sqs = new SqsJsonDispatcher(sqsActions, loggers.CreateLogger<SqsJsonDispatcher>(), _stopping.Token);
        SqsQuery = new SqsQueryDispatcher(sqsActions, loggers.CreateLogger<SqsQueryDispatcher>(), _stopping.Token);
        Control = new WorldControl(
            _gate, spot, new HealthEventOperations(context), capacity, volumes, faults, throttle, clock,
            new SnapshotBuilder(_queues, capacity, clock, options), loggers.CreateLogger<WorldControl>());

        _scheduler = new TransitionScheduler(_gate, new TransitionRunner(instances, spot, images), time, loggers.CreateLogger<TransitionScheduler>());
        _store = options.StateFile is { } file
            ? new StateFileStore(file, options.StateFileSaveDelay, options.StateFileMinInterval, _gate, time, loggers.CreateLogger<StateFileStore>())
            : null;

        // The first write creates the event queue (and its dead-letter queue) and arms the scheduler (resuming transitions loaded
        // from the file).
        _gate.Write(s =>
        {
            var queue = _queues.Create(s.Sqs, options.EventQueueName, new Dictionary<string, string>(), new Dictionary<string, string>());
            if (options.EventQueueMaxReceiveCount > 0 && !queue.Attributes.ContainsKey(SqsQueue.RedrivePolicyAttribute))
            {
                var deadLetters = _queues.Create(s.Sqs, options.EventQueueName + "-dlq", new Dictionary<string, string>(), new Dictionary<string, string>());
                queue.Attributes[SqsQueue.RedrivePolicyAttribute] = JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["deadLetterTargetArn"] = _queues.QueueArn(deadLetters.Name),
                    ["maxReceiveCount"] = options.EventQueueMaxReceiveCount.ToString(CultureInfo.InvariantCulture),
                });
            }
        });
    }

    public WorldDefinition World { get; }

    public Ec2QueryDispatcher Ec2 { get; }

    public SqsJsonDispatcher Sqs { get; }

    public SqsQueryDispatcher SqsQuery { get; }

    public WorldControl Control { get; }

    /// <summary>Whether EC2 resources were loaded from the state file.</summary>
    public bool Loaded { get; }

    public string QueueUrl(string serviceUrl, string name) => _queues.QueueUrl(serviceUrl, name);

    /// <summary>Ends pending long polls (they answer with no messages) before the server stops.</summary>
    public void BeginStop() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Cancel();
        _scheduler.Dispose();
        _store?.Dispose();
        _stopping.Dispose();
    }
}
