using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Sqs;

namespace StatefulSpot.Emulator.Core;

/// <summary>The whole mutable world: EC2 resources, SQS queues and pending timed transitions. Only touched through <see cref="WorldGate"/>.</summary>
internal sealed class EmulatorState
{
    public Ec2State Ec2 { get; init; } = new();

    public SqsState Sqs { get; init; } = new();

    public Timeline Timeline { get; } = new();
}
