using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Sqs;

namespace StatefulSpot.Emulator.Events;

/// <summary>Puts EC2 events on the configured event queue, as an EventBridge rule targeting SQS would. Runs inside the world lock.</summary>
internal sealed class EventPublisher(EmulatorOptions options, MessageOperations messages)
{
    private const string EventBridgeSenderId = "AIDAEVENTBRIDGEEXAMPLE";

    /// <summary>"EC2 Spot Instance Interruption Warning"; returns the event id.</summary>
    public string SpotInterruptionWarning(EmulatorState state, string instanceId, DateTimeOffset now) =>
        Publish(state, EventBridgeJson.SpotInterruptionWarning, instanceId, now,
            [new("instance-id", instanceId), new("instance-action", "terminate")]);

    /// <summary>"EC2 Instance State-change Notification" (when <see cref="EmulatorOptions.EmitStateChangeEvents"/>).</summary>
    public void StateChange(EmulatorState state, string instanceId, InstanceStateName newState, DateTimeOffset now)
    {
        if (options.EmitStateChangeEvents)
        {
            Publish(state, EventBridgeJson.InstanceStateChange, instanceId, now,
                [new("instance-id", instanceId), new("state", newState.ToWire())]);
        }
    }

    private string Publish(
        EmulatorState state, string detailType, string instanceId, DateTimeOffset now, IReadOnlyList<KeyValuePair<string, string>> detail)
    {
        var id = Guid.NewGuid().ToString();
        if (state.Sqs.Queues.TryGetValue(options.EventQueueName, out var queue))
        {
            var body = EventBridgeJson.Build(id, detailType, options.AccountId, options.Region, now, instanceId, detail);
            messages.Send(queue, body, new Dictionary<string, SqsMessageAttribute>(), delaySeconds: null, EventBridgeSenderId);
        }

        return id;
    }
}
