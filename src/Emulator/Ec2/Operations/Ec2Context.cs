using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Events;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>What every EC2 operation needs besides the state: options, the static catalog, scaled durations, the clock, events.</summary>
internal sealed class Ec2Context(
    EmulatorOptions options, Catalog catalog, SimulatedDurations durations, TimeProvider time, EventPublisher events)
{
    public EmulatorOptions Options => options;

    public Catalog Catalog => catalog;

    public SimulatedDurations Durations => durations;

    public EventPublisher Events => events;

    public DateTimeOffset Now => time.GetUtcNow();

    public ZoneInfo RequireZone(string zone) => catalog.FindZone(zone) ?? throw Ec2Errors.InvalidZone(zone);

    public SubnetInfo RequireSubnet(string subnetId) => catalog.FindSubnet(subnetId) ?? throw Ec2Errors.SubnetsNotFound([subnetId]);
}
