using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// The early cutover of a pre-staged recycle. The replacement runs already; the old instance keeps serving until the
/// drain deadline. Then the data volumes are detached from it while it still runs (EC2 allows that for any volume but
/// the root), so that they move across in seconds instead of after the old instance has shut down. The old instance
/// is terminated only once they are attached to the replacement. The cursor records the cutover (the moment the old
/// instance stops serving) before the first detach. If EC2 takes the old instance first (an event says so, or the look
/// each run takes finds it gone), the volumes come free as it terminates: nothing to detach. An old instance found stopped
/// (by hand) keeps its volumes: it is terminated here, as a recycle without pre-staging would have.
/// </summary>
public sealed class DetachVolumesStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.DetachVolumes;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var operation = context.Operation;
        if (operation.OldInstanceId is not { } oldInstanceId)
        {
            return StepResult.Done(context.State);
        }

        if (operation.TerminateRequested)
        {
            // A stopped old instance keeps its volumes attached: it is terminated, and that frees them (asked again after
            // a crash between the checkpoint and the call: TerminateInstances is idempotent).
            await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [oldInstanceId] }, context.CancellationToken);
            return StepResult.Done(context.State);
        }

        if (operation.ServiceStoppedAt is null)
        {
            // Events of the old instance that came while earlier steps ran were theirs: each run looks once.
            var state = context.ReportedState(oldInstanceId)
                ?? (context.ReportedLeftRunning.ContainsKey(oldInstanceId) ? "shutting-down" : null)
                ?? (await ec2.DescribeInstanceAsync(oldInstanceId, context.CancellationToken))?.State?.Name?.Value;
            var leftAt = context.ReportedLeftRunning.TryGetValue(oldInstanceId, out var reported) && reported < context.Now ? reported : context.Now;
            switch (state)
            {
                case null or "shutting-down" or "terminated":
                    // EC2 is ending it (the interruption came before our deadline): its termination frees the volumes.
                    return StepResult.Done(context.State with { Operation = operation.StoppedServing(leftAt) });
                case "stopping" or "stopped":
                    return StepResult.Checkpoint(context.State with { Operation = operation.StoppedServing(leftAt) with { TerminateRequested = true } });
            }

            if (operation.DrainDeadline is { } deadline && deadline > context.Now)
            {
                return StepResult.WaitForDrainDeadline($"the old instance {oldInstanceId} to drain until {deadline:HH:mm:ss} before the cutover");
            }

            return StepResult.Checkpoint(context.State with { Operation = operation.StoppedServing(context.Now) });
        }

        // Every volume that is attached anywhere but to the replacement is detached (the old instance, or one a
        // superseded operation left); the volume grains described them together (one DescribeVolumes).
        var newInstanceId = operation.NewInstanceId;
        var held = await HeldVolumes.GetAsync(context);
        await Task.WhenAll(held.Select(async volume =>
        {
            var grain = context.Volume(volume.DeviceName);
            var current = await grain.RefreshAsync(context.CancellationToken);
            if (current.AttachedInstanceId is { } holder && holder != newInstanceId && current.AttachmentState is "attaching" or "attached" or "busy")
            {
                await grain.DetachAsync(holder, force: false, context.CancellationToken);
            }
        }));
        return StepResult.Done(context.State);
    }
}
