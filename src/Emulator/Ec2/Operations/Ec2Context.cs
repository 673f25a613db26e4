using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Events;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>What every EC2 operation needs besides the state: options, the static catalog, scaled durations, the clock, events, lookups.</summary>
internal sealed class Ec2Context(
    EmulatorOptions options, Catalog catalog, SimulatedDurations durations, SimulationClock clock, EventPublisher events, Ec2Lookup lookup)
{
    public EmulatorOptions Options => options;

    public Catalog Catalog => catalog;

    public SimulatedDurations Durations => durations;

    public EventPublisher Events => events;

    public Ec2Lookup Lookup => lookup;

    public DateTimeOffset Now => clock.Now;

    public ZoneInfo RequireZone(string zone) => catalog.FindZone(zone) ?? throw Ec2Errors.InvalidZone(zone);

    public SubnetInfo RequireSubnet(string subnetId) => catalog.FindSubnet(subnetId) ?? throw Ec2Errors.SubnetsNotFound([subnetId]);

    public InstanceTypeSpec RequireInstanceType(string type) => catalog.FindInstanceType(type) ?? throw Ec2Errors.InvalidValue(type, "InstanceType");
}
