using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Ends what the operation replaces: first the instances a superseded operation left, then the old instance, which
/// EC2 terminates (an interruption) or we do at the drain deadline. The cursor says so (a checkpoint) before the
/// TerminateInstances call, which is repeated until EC2 reports the instance shutting down. When the cursor asks for a
/// sweep, the instances tagged with the managed instance that no state records join the leftovers first.
/// </summary>
public sealed class WaitOldTerminatedStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.WaitOldTerminated;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var operation = context.Operation;
        if (operation.SweepUnrecorded)
        {
            var unrecorded = (await TaggedInstances.LiveAsync(ec2, context.ManagedInstanceId, generation: null, context.CancellationToken))
                .Select(i => i.InstanceId)
                .Where(id => id != operation.OldInstanceId && id != context.State.ImportedFrom && !operation.AlsoTerminate.Contains(id));
            return StepResult.Checkpoint(context.State with
            {
                Operation = operation with { SweepUnrecorded = false, AlsoTerminate = [.. operation.AlsoTerminate, .. unrecorded] },
            });
        }

        foreach (var leftover in operation.AlsoTerminate)
        {
            var leftoverState = (await ec2.DescribeInstanceAsync(leftover, context.CancellationToken))?.State?.Name?.Value;
            if (leftoverState is null or "terminated")
            {
                continue;
            }

            if (leftoverState != "shutting-down")
            {
                await TerminateAsync(leftover, context.CancellationToken);
            }

            return StepResult.WaitForInstance($"instance {leftover}, left by the superseded operation, to be terminated (it is {leftoverState})");
        }

        if (operation.OldInstanceId is not { } instanceId || operation.DeleteOptions is { ShouldTerminateInstance: false })
        {
            return StepResult.Done(context.State);
        }

        // The event that woke the step says how the instance stands; else EC2 is asked.
        var state = context.ReportedState(instanceId) is { } reported and ("shutting-down" or "terminated")
            ? reported
            : (await ec2.DescribeInstanceAsync(instanceId, context.CancellationToken))?.State?.Name?.Value;

        // An instance EC2 no longer knows is long gone: it was terminated before the notice reached us.
        if (state is null or "terminated")
        {
            // Gone before anything told us when it left, it has no moment it stopped serving to record.
            var gone = state is null && !context.ReportedLeftRunning.ContainsKey(instanceId)
                ? operation
                : operation.StoppedServing(LeftRunningAt(context, instanceId));
            return StepResult.Done(context.State with { Operation = gone with { OldTerminatedAt = context.Now } });
        }

        if (state == "shutting-down")
        {
            // EC2 is ending it already (the interruption, or our TerminateInstances): nothing to ask, only to wait; the
            // moment it stopped serving is written once.
            var stopped = operation.ServiceStoppedAt is null
                ? context.State with { Operation = operation.StoppedServing(LeftRunningAt(context, instanceId)) }
                : null;
            return StepResult.WaitForInstance($"the old instance {instanceId} to be terminated (it is {state})", stopped);
        }

        if (!operation.TerminateRequested && operation.DrainDeadline is { } deadline && context.Now >= deadline)
        {
            // The cursor is written before the side effect; the instance stops serving when it is asked to go.
            return StepResult.Checkpoint(context.State with { Operation = operation.StoppedServing(context.Now) with { TerminateRequested = true } });
        }

        if (operation.TerminateRequested)
        {
            // TerminateInstances is idempotent: asked again after a crash between the checkpoint and the call.
            await TerminateAsync(instanceId, context.CancellationToken);
        }

        return !operation.TerminateRequested && operation.DrainDeadline > context.Now && state == "running"
            ? StepResult.WaitForDrainDeadline($"the old instance {instanceId} to drain until {operation.DrainDeadline:HH:mm:ss} (it is {state})")
            : StepResult.WaitForInstance($"the old instance {instanceId} to be terminated (it is {state})");
    }

    /// <summary>When the old instance left <c>running</c>: its event's time when an event said so, else now (a look saw it).</summary>
    private static DateTimeOffset LeftRunningAt(StepContext context, string instanceId) =>
        context.ReportedLeftRunning.TryGetValue(instanceId, out var at) && at < context.Now ? at : context.Now;

    private Task TerminateAsync(string instanceId, CancellationToken cancellationToken) =>
        ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instanceId] }, cancellationToken);
}
