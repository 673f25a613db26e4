using System.Globalization;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Ec2.Query;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>One instance's state change as TerminateInstances reports it.</summary>
internal sealed record InstanceStateChange(string InstanceId, InstanceStateName Previous, InstanceStateName Current);

/// <summary>
/// The instance state machine: <c>pending → running → shutting-down → terminated</c>, user termination, Spot
/// interruption (warning, then the action after the notice lead), and the release of volumes and interfaces at
/// <c>terminated</c>. Every transition emits a state-change event.
/// </summary>
internal sealed class InstanceOperations(Ec2Context ctx)
{
    public const string SpotTerminationCode = "Server.SpotInstanceTermination";
    public const string UserShutdownCode = "Client.UserInitiatedShutdown";

    public static FilterFields<InstanceView> Filters { get; } = new FilterFields<InstanceView>(v => v.Instance.Tags)
        .Add("instance-id", v => v.Instance.InstanceId)
        .Add("instance-state-name", v => v.Instance.State.ToWire())
        .Add("instance-state-code", v => ((int)v.Instance.State).ToString(CultureInfo.InvariantCulture))
        .Add("instance-type", v => v.Instance.InstanceType)
        .Add("image-id", v => v.Instance.ImageId)
        .Add("availability-zone", v => v.Instance.AvailabilityZone)
        .Add("subnet-id", v => v.Instance.SubnetId)
        .Add("vpc-id", v => v.Instance.VpcId)
        .Add("private-ip-address", v => v.PrivateIpAddress)
        .Add("instance-lifecycle", v => v.Instance.IsSpot ? "spot" : null)
        .Add("spot-instance-request-id", v => v.Instance.SpotInstanceRequestId)
        .Add("reservation-id", v => v.Instance.ReservationId)
        .Add("client-token", v => v.Instance.ClientToken)
        .Add("key-name", v => v.Instance.KeyName)
        .Add("root-device-name", v => v.Instance.RootDeviceName)
        .Add("state-reason-code", v => v.Instance.StateReasonCode)
        .AddMany("network-interface.network-interface-id", v => v.Interfaces.Select(n => n.NetworkInterfaceId))
        .AddMany("block-device-mapping.volume-id", v => v.Volumes.Select(x => x.VolumeId))
        .AddMany("block-device-mapping.device-name", v => v.Volumes.Select(x => x.Attachment!.Device));

    public static (IReadOnlyList<InstanceView> Page, string? NextToken) Describe(
        EmulatorState state, IReadOnlyList<string> ids, IReadOnlyList<Ec2Filter> filters, int? maxResults, string? nextToken)
    {
        if (ids.Count > 0 && maxResults is not null)
        {
            throw Ec2Errors.InvalidParameterCombination("The parameter instancesSet cannot be used with the parameter maxResults");
        }

        var matches = Filters.Compile(filters);
        var missing = ids.Where(id => !state.Ec2.Instances.ContainsKey(id)).Distinct().ToList();
        if (missing.Count > 0)
        {
            throw Ec2Errors.InstancesNotFound(missing);
        }

        var candidates = ids.Count > 0 ? ids.Distinct().Select(id => state.Ec2.Instances[id]) : state.Ec2.Instances.Values;
        var all = candidates.Select(i => new InstanceView(i, state.Ec2)).Where(matches).OrderBy(v => v.Instance.Sequence).ToList();
        return Pagination.Apply(all, maxResults, nextToken, 5, 1000);
    }

    /// <summary>TerminateInstances: idempotent; if any id is unknown nothing is terminated.</summary>
    public IReadOnlyList<InstanceStateChange> Terminate(EmulatorState state, IReadOnlyList<string> ids)
    {
        if (ids.Count == 0)
        {
            throw Ec2Errors.MissingParameter("InstanceId");
        }

        var missing = ids.Where(id => !state.Ec2.Instances.ContainsKey(id)).Distinct().ToList();
        if (missing.Count > 0)
        {
            throw Ec2Errors.InstancesNotFound(missing);
        }

        var now = ctx.Now;
        var changes = new List<InstanceStateChange>();
        foreach (var instance in ids.Distinct().Select(id => state.Ec2.Instances[id]))
        {
            var previous = instance.State;
            if (instance.IsLive)
            {
                BeginShutdown(state, instance, UserShutdownCode, "Client.UserInitiatedShutdown: User initiated shutdown",
                    "User initiated (" + GmtStamp(now) + ")");
            }

            changes.Add(new InstanceStateChange(instance.InstanceId, previous, instance.State));
        }

        return changes;
    }

    /// <summary>
    /// Issues a Spot interruption warning now and schedules the interruption after the notice lead. Unknown instance:
    /// <see cref="KeyNotFoundException"/>; not a running Spot instance, or already warned: <see cref="InvalidOperationException"/>.
    /// </summary>
    public InterruptionNotice Interrupt(EmulatorState state, string instanceId)
    {
        var instance = state.Ec2.Instances.GetValueOrDefault(instanceId)
            ?? throw new KeyNotFoundException($"Instance '{instanceId}' does not exist.");
        if (!instance.IsSpot)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is an on-demand instance; only Spot instances can be interrupted.");
        }

        if (instance.State != InstanceStateName.Running)
        {
            throw new InvalidOperationException(
                $"Instance '{instanceId}' is '{instance.State.ToWire()}'; only a running Spot instance can be interrupted.");
        }

        if (instance.InterruptionNoticeTime is { } earlier)
        {
            throw new InvalidOperationException(
                $"Instance '{instanceId}' already received an interruption warning at {earlier:O}; it is interrupted at {instance.InterruptionActionTime:O}.");
        }

        var now = ctx.Now;
        var actionTime = now + ctx.Durations.InterruptionNoticeLead;
        instance.InterruptionNoticeTime = now;
        instance.InterruptionActionTime = actionTime;
        var eventId = ctx.Events.SpotInterruptionWarning(state, instanceId, now);
        state.Timeline.Schedule(actionTime, TransitionKind.InstanceInterruptionAction, instanceId);
        return new InterruptionNotice(instanceId, now, actionTime, eventId);
    }

    /// <summary>Timed: <c>pending → running</c>; launch attachments complete.</summary>
    public void OnRunning(EmulatorState state, string instanceId)
    {
        if (state.Ec2.Instances.GetValueOrDefault(instanceId) is not { State: InstanceStateName.Pending } instance)
        {
            return;
        }

        instance.State = InstanceStateName.Running;
        instance.StateReasonCode = null;
        instance.StateReasonMessage = null;
        VolumeOperations.OnInstanceRunning(state, instanceId);
        NetworkInterfaceOperations.OnInstanceRunning(state, instanceId);
        ctx.Events.StateChange(state, instanceId, InstanceStateName.Running, ctx.Now);
    }

    /// <summary>Timed: the notice lead is over; a still-running Spot instance starts shutting down.</summary>
    public void OnInterruptionAction(EmulatorState state, string instanceId)
    {
        if (state.Ec2.Instances.GetValueOrDefault(instanceId) is { State: InstanceStateName.Running } instance)
        {
            BeginShutdown(state, instance, SpotTerminationCode, "Server.SpotInstanceTermination: Spot instance termination",
                "Service initiated (" + GmtStamp(ctx.Now) + ")");
        }
    }

    /// <summary>Timed: <c>shutting-down → terminated</c>; volumes and interfaces are deleted or released.</summary>
    public void OnTerminated(EmulatorState state, string instanceId)
    {
        if (state.Ec2.Instances.GetValueOrDefault(instanceId) is not { State: InstanceStateName.ShuttingDown } instance)
        {
            return;
        }

        instance.State = InstanceStateName.Terminated;
        VolumeOperations.ReleaseFromTerminated(state, instanceId);
        NetworkInterfaceOperations.ReleaseFromTerminated(state, instanceId);
        ctx.Events.StateChange(state, instanceId, InstanceStateName.Terminated, ctx.Now);
    }

    private static string GmtStamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " GMT";

    private void BeginShutdown(EmulatorState state, Instance instance, string reasonCode, string reasonMessage, string transitionReason)
    {
        var now = ctx.Now;
        instance.State = InstanceStateName.ShuttingDown;
        instance.StateReasonCode = reasonCode;
        instance.StateReasonMessage = reasonMessage;
        instance.StateTransitionReason = transitionReason;
        state.Timeline.Schedule(now + ctx.Durations.InstanceShuttingDown, TransitionKind.InstanceTerminated, instance.InstanceId);
        ctx.Events.StateChange(state, instance.InstanceId, InstanceStateName.ShuttingDown, now);
    }
}
