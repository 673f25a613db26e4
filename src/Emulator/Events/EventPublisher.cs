using System.Text.Json;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Sqs;

namespace StatefulSpot.Emulator.Events;

/// <summary>Puts EC2 and AWS Health events on the configured event queue, as EventBridge rules targeting SQS would. Runs inside the world lock.</summary>
internal sealed class EventPublisher(EmulatorOptions options, MessageOperations messages)
{
    private const string EventBridgeSenderId = "AIDAEVENTBRIDGEEXAMPLE";

    /// <summary>"EC2 Spot Instance Interruption Warning"; returns the event id.</summary>
    public string SpotInterruptionWarning(EmulatorState state, string instanceId, DateTimeOffset now) =>
        PublishEc2(state, EventBridgeJson.SpotInterruptionWarning, instanceId, now,
            [new("instance-id", instanceId), new("instance-action", "terminate")]);

    /// <summary>"EC2 Instance Rebalance Recommendation"; returns the event id.</summary>
    public string RebalanceRecommendation(EmulatorState state, string instanceId, DateTimeOffset now) =>
        PublishEc2(state, EventBridgeJson.RebalanceRecommendation, instanceId, now, [new("instance-id", instanceId)]);

    /// <summary>"EC2 Instance State-change Notification" (when <see cref="EmulatorOptions.EmitStateChangeEvents"/>).</summary>
    public void StateChange(EmulatorState state, string instanceId, InstanceStateName newState, DateTimeOffset now)
    {
        if (options.EmitStateChangeEvents)
        {
            PublishEc2(state, EventBridgeJson.InstanceStateChange, instanceId, now,
                [new("instance-id", instanceId), new("state", newState.ToWire())]);
        }
    }

    /// <summary>"AWS Health Event" of category <c>scheduledChange</c> for one instance; returns the event id and the Health event ARN.</summary>
    public (string EventId, string EventArn) HealthScheduledChange(
        EmulatorState state, string instanceId, string eventTypeCode, string description, DateTimeOffset start, DateTimeOffset end,
        DateTimeOffset now)
    {
        var id = Guid.NewGuid().ToString();
        var arn = $"arn:aws:health:{options.Region}::event/EC2/{eventTypeCode}/{eventTypeCode}_{Guid.NewGuid():N}";
        var body = EventBridgeJson.Build(id, EventBridgeJson.HealthEvent, "aws.health", options.AccountId, options.Region, now, [instanceId],
            json => HealthDetail(json, arn, instanceId, eventTypeCode, description, start, end, now));
        Send(state, body);
        return (id, arn);
    }

    private void HealthDetail(
        Utf8JsonWriter json, string arn, string instanceId, string eventTypeCode, string description, DateTimeOffset start, DateTimeOffset end,
        DateTimeOffset now)
    {
        json.WriteString("eventArn", arn);
        json.WriteString("service", "EC2");
        json.WriteString("eventTypeCode", eventTypeCode);
        json.WriteString("eventTypeCategory", "scheduledChange");
        json.WriteString("eventScopeCode", "ACCOUNT_SPECIFIC");
        json.WriteString("communicationId", Guid.NewGuid().ToString("N")[..8]);
        json.WriteString("startTime", EventBridgeJson.HealthTime(start));
        json.WriteString("endTime", EventBridgeJson.HealthTime(end));
        json.WriteString("lastUpdatedTime", EventBridgeJson.HealthTime(now));
        json.WriteString("statusCode", "upcoming");
        json.WriteString("eventRegion", options.Region);
        json.WriteStartArray("eventDescription");
        json.WriteStartObject();
        json.WriteString("language", "en_US");
        json.WriteString("latestDescription", description);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartArray("affectedEntities");
        json.WriteStartObject();
        json.WriteString("entityValue", instanceId);
        json.WriteStartObject("tags");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private string PublishEc2(
        EmulatorState state, string detailType, string instanceId, DateTimeOffset now, IReadOnlyList<KeyValuePair<string, string>> detail)
    {
        var id = Guid.NewGuid().ToString();
        Send(state, EventBridgeJson.Build(id, detailType, options.AccountId, options.Region, now, instanceId, detail));
        return id;
    }

    private void Send(EmulatorState state, string body)
    {
        if (state.Sqs.Queues.TryGetValue(options.EventQueueName, out var queue))
        {
            messages.Send(queue, body, new Dictionary<string, SqsMessageAttribute>(), delaySeconds: null, EventBridgeSenderId);
        }
    }
}
