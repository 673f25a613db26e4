using System.Globalization;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>One instance's state change as Terminate/Stop/StartInstances report it.</summary>
internal sealed record InstanceStateChange(string InstanceId, InstanceStateName Previous, InstanceStateName Current);

/// <summary>
/// The instance state machine: <c>pending → running → stopping → stopped → pending</c>, <c>→ shutting-down → terminated</c>,
/// the Spot interruption action, and the release of volumes and interfaces at <c>terminated</c>. Every transition emits a
/// state-change event.
/// </summary>
internal sealed class InstanceOperations(Ec2Context ctx, CapacityOperations capacity)
{
    public const string SpotTerminationCode = "Server.SpotInstanceTermination";
    public const string UserShutdownCode = "Client.UserInitiatedShutdown";
    private const string UserShutdownMessage = "Client.UserInitiatedShutdown: User initiated shutdown";

    /// <summary>TerminateInstances: idempotent; if any id is unknown or protected nothing is terminated.</summary>
    public IReadOnlyList<InstanceStateChange> Terminate(EmulatorState state, IReadOnlyList<string> ids)
    {
        var instances = Require(state, ids);
        if (instances.FirstOrDefault(i => i.DisableApiTermination && i.IsLive) is { } protectedInstance)
        {
            throw Ec2Errors.OperationNotPermitted(
                $"The instance '{protectedInstance.InstanceId}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.");
        }

        var now = ctx.Now;
        return instances.Select(instance =>
        {
            var previous = instance.State;
            if (instance.IsLive)
            {
                BeginShutdown(state, instance, UserShutdownCode, UserShutdownMessage, "User initiated (" + GmtStamp(now) + ")");
            }

            return new InstanceStateChange(instance.InstanceId, previous, instance.State);
        }).ToList();
    }

    /// <summary>StopInstances: on-demand instances only; running → stopping → stopped; stopping or stopped is a no-op.</summary>
    public IReadOnlyList<InstanceStateChange> Stop(EmulatorState state, IReadOnlyList<string> ids)
    {
        var instances = Require(state, ids);
        foreach (var instance in instances)
        {
            if (instance.IsSpot)
            {
                throw Ec2Errors.UnsupportedOperation(
                    $"You can't stop the Spot Instance '{instance.InstanceId}' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.");
            }

            if (instance.State == InstanceStateName.Pending)
            {
                throw Ec2Errors.IncorrectInstanceState($"Instance '{instance.InstanceId}' cannot be stopped as it has never reached the 'running' state.");
            }

            if (instance.State is InstanceStateName.ShuttingDown or InstanceStateName.Terminated)
            {
                throw Ec2Errors.IncorrectInstanceState($"The instance '{instance.InstanceId}' is not in a state from which it can be stopped.");
            }
        }

        var now = ctx.Now;
        return instances.Select(instance =>
        {
            var previous = instance.State;
            if (instance.State == InstanceStateName.Running)
            {
                instance.State = InstanceStateName.Stopping;
                instance.StateReasonCode = UserShutdownCode;
                instance.StateReasonMessage = UserShutdownMessage;
                instance.StateTransitionReason = "User initiated (" + GmtStamp(now) + ")";
                state.Timeline.Schedule(now + ctx.Durations.InstanceStopping, TransitionKind.InstanceStopped, instance.InstanceId);
                ctx.Events.StateChange(state, instance.InstanceId, InstanceStateName.Stopping, now);
            }

            return new InstanceStateChange(instance.InstanceId, previous, instance.State);
        }).ToList();
    }

    /// <summary>StartInstances: stopped → pending → running (needs pool capacity); pending or running is a no-op.</summary>
    public IReadOnlyList<InstanceStateChange> Start(EmulatorState state, IReadOnlyList<string> ids)
    {
        var instances = Require(state, ids);
        var starting = instances.Where(i => i.State == InstanceStateName.Stopped).ToList();
        if (instances.FirstOrDefault(i => i.State is InstanceStateName.Stopping or InstanceStateName.ShuttingDown or InstanceStateName.Terminated)
            is { } wrong)
        {
            throw Ec2Errors.IncorrectInstanceState($"The instance '{wrong.InstanceId}' is not in a state from which it can be started.");
        }

        foreach (var pool in starting.GroupBy(i => (i.InstanceType, i.AvailabilityZone, i.Market)))
        {
            capacity.Fit(state, pool.Key.InstanceType, pool.Key.AvailabilityZone, pool.Key.Market, pool.Count(), pool.Count());
        }

        var now = ctx.Now;
        return instances.Select(instance =>
        {
            var previous = instance.State;
            if (instance.State == InstanceStateName.Stopped)
            {
                instance.State = InstanceStateName.Pending;
                instance.StateReasonCode = "pending";
                instance.StateReasonMessage = "pending";
                instance.StateTransitionReason = "";
                state.Timeline.Schedule(now + ctx.Durations.InstancePending, TransitionKind.InstanceRunning, instance.InstanceId);
                ctx.Events.StateChange(state, instance.InstanceId, InstanceStateName.Pending, now);
            }

            return new InstanceStateChange(instance.InstanceId, previous, instance.State);
        }).ToList();
    }

    /// <summary>Timed: <c>pending → running</c>; attachments made while pending complete.</summary>
    public Instance? OnRunning(EmulatorState state, string instanceId)
    {
        if (state.Ec2.Instances.GetValueOrDefault(instanceId) is not { State: InstanceStateName.Pending } instance)
        {
            return null;
        }

        instance.State = InstanceStateName.Running;
        instance.StateReasonCode = null;
        instance.StateReasonMessage = null;
        VolumeOperations.OnInstanceRunning(state, instanceId);
        NetworkInterfaceOperations.OnInstanceRunning(state, instanceId);
        ctx.Events.StateChange(state, instanceId, InstanceStateName.Running, ctx.Now);
        return instance;
    }

    /// <summary>Timed: <c>stopping → stopped</c>; volumes and interfaces stay attached.</summary>
    public void OnStopped(EmulatorState state, string instanceId)
    {
        if (state.Ec2.Instances.GetValueOrDefault(instanceId) is { State: InstanceStateName.Stopping } instance)
        {
            instance.State = InstanceStateName.Stopped;
            ctx.Events.StateChange(state, instanceId, InstanceStateName.Stopped, ctx.Now);
        }
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

    private IReadOnlyList<Instance> Require(EmulatorState state, IReadOnlyList<string> ids) =>
        ids.Count == 0 ? throw Ec2Errors.MissingParameter("InstanceId") : ctx.Lookup.Instances(state, ids);

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
