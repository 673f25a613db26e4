namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Waits until the old instance has let go of the data volumes and the ENI (they are <c>available</c>). After an early
/// cutover, a detach still not done <see cref="ForceDetachAfter"/> after it began is forced.
/// </summary>
public sealed class WaitResourcesReleasedStep : ISagaStep
{
    /// <summary>AWS detaches a volume in 1-4 s; one that takes this long after the cutover is stuck.</summary>
    public static readonly TimeSpan ForceDetachAfter = TimeSpan.FromSeconds(15);

    public SagaStep Step => SagaStep.WaitResourcesReleased;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        if (context.Operation.DeleteOptions is { ShouldTerminateInstance: false })
        {
            return StepResult.Done(context.State);
        }

        // Only volumes that exist can be waiting for release (an operation that failed early may have created none).
        // All at once: the gateway makes one DescribeVolumes of them.
        var held = await HeldVolumes.GetAsync(context);
        foreach (var current in await Task.WhenAll(held.Select(v => context.Volume(v.DeviceName).RefreshAsync(context.CancellationToken))))
        {
            if (current.State != "available")
            {
                if (IsStuckAfterCutover(context, current))
                {
                    await context.Volume(current.DeviceName).DetachAsync(current.AttachedInstanceId!, force: true, context.CancellationToken);
                    return StepResult.Wait($"volume {current.VolumeId} to be released (its detach from {current.AttachedInstanceId} was stuck: forced)");
                }

                return StepResult.Wait($"volume {current.VolumeId} to be released (it is {current.State})");
            }
        }

        if (context.State.NetworkInterfaceId is { } eniId
            && await context.NetworkInterface().RefreshAsync(context.CancellationToken) is { Status: not "available" } eni)
        {
            return StepResult.Wait($"network interface {eniId} to be released (it is {eni.Status})");
        }

        return StepResult.Done(context.State with
        {
            Operation = context.Operation with { NetworkInterfaceFree = context.State.NetworkInterfaceId is not null },
        });
    }

    private static bool IsStuckAfterCutover(StepContext context, Interfaces.VolumeView volume) =>
        context.Operation is { ServiceStoppedAt: { } cutover, Plan: var plan } && plan.Contains(SagaStep.DetachVolumes)
        && context.Now - cutover >= ForceDetachAfter
        && volume is { AttachmentState: "detaching" or "busy", AttachedInstanceId: { } holder } && holder != context.Operation.NewInstanceId;
}
