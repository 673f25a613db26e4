using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>
/// AWS Health scheduled changes for an instance: the "AWS Health Event" goes on the event queue and the instance's
/// DescribeInstanceStatus lists the matching scheduled event. The emulator does not act on the event when its window comes.
/// </summary>
internal sealed class HealthEventOperations(Ec2Context ctx)
{
    public HealthEventNotice Schedule(EmulatorState state, string instanceId, HealthEventRequest request)
    {
        var instance = state.Ec2.Instances.GetValueOrDefault(instanceId)
            ?? throw new KeyNotFoundException($"Instance '{instanceId}' does not exist.");
        if (!instance.IsLive)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is '{instance.State.ToWire()}'; only a live instance can get a scheduled event.");
        }

        if (string.IsNullOrWhiteSpace(request.EventTypeCode) || request.StartsIn < TimeSpan.Zero || request.Duration < TimeSpan.Zero)
        {
            throw new ArgumentException("A health event needs an event type code and non-negative start and duration.", nameof(request));
        }

        var now = ctx.Now;
        var notBefore = now + ctx.Durations.Simulated(request.StartsIn);
        var notAfter = notBefore + ctx.Durations.Simulated(request.Duration);
        var code = InstanceEventCode(request.EventTypeCode);
        var description = request.Description ?? DefaultDescription(code);
        var instanceEvent = new ScheduledInstanceEvent(ResourceIds.New("instance-event"), code, description, notBefore, notAfter);
        instance.ScheduledEvents.Add(instanceEvent);
        var (eventId, eventArn) = ctx.Events.HealthScheduledChange(state, instanceId, request.EventTypeCode, description, notBefore, notAfter, now);
        return new HealthEventNotice(instanceId, eventId, eventArn, request.EventTypeCode, instanceEvent.InstanceEventId, code, notBefore, notAfter);
    }

    /// <summary>The DescribeInstanceStatus event code of a Health event type.</summary>
    private static string InstanceEventCode(string eventTypeCode) => eventTypeCode switch
    {
        _ when eventTypeCode.Contains("RETIREMENT", StringComparison.Ordinal) => "instance-retirement",
        _ when eventTypeCode.Contains("TERMINATION", StringComparison.Ordinal) => "instance-retirement",
        _ when eventTypeCode.Contains("STOP", StringComparison.Ordinal) => "instance-stop",
        _ when eventTypeCode.Contains("INSTANCE_REBOOT", StringComparison.Ordinal) => "instance-reboot",
        _ when eventTypeCode.Contains("SYSTEM_REBOOT", StringComparison.Ordinal) => "system-reboot",
        _ => "system-maintenance",
    };

    private static string DefaultDescription(string code) => code switch
    {
        "instance-retirement" => "The instance is running on degraded hardware",
        "instance-stop" => "The instance is scheduled to be stopped",
        "instance-reboot" => "The instance is scheduled for a reboot",
        "system-reboot" => "The system hosting the instance is scheduled for a reboot",
        _ => "The system hosting the instance is scheduled for maintenance",
    };
}
