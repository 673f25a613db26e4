using StatefulSpot.Grains.Ec2.Gateway;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>What a waiting step waits on: something only polling shows, or an instance state an EC2 event reports.</summary>
public enum WaitKind
{
    Poll = 0,
    InstanceState = 1,

    /// <summary>
    /// The old instance keeps running until the drain deadline, where the saga terminates it (EC2 takes an interrupted
    /// one then anyway): nothing to poll for before it, and an event tells if it goes sooner.
    /// </summary>
    DrainDeadline = 2,
}

/// <summary>Pure pacing rules of the saga: back-off, jitter, and the EC2 priority of a step.</summary>
public static class WaitRules
{
    /// <summary>The back-off before attempt <paramref name="attempts"/> + 1: doubling from the base, capped.</summary>
    public static TimeSpan Backoff(TimeSpan baseDelay, TimeSpan maxDelay, int attempts) =>
        TimeSpan.FromTicks(Math.Min(maxDelay.Ticks, baseDelay.Ticks << Math.Clamp(attempts - 1, 0, 20)));

    /// <summary><paramref name="interval"/> moved by up to a quarter either way (<paramref name="random"/> in [0, 1)), so a fleet does not poll in step.</summary>
    public static TimeSpan Jittered(TimeSpan interval, double random) =>
        TimeSpan.FromTicks((long)(interval.Ticks * (0.75 + (0.5 * Math.Clamp(random, 0, 1)))));

    /// <summary>How much each poll of one wait lengthens the next: an attach (1-4 s) takes three looks, a snapshot (minutes) not hundreds.</summary>
    public const double PollGrowth = 1.5;

    /// <summary>
    /// The delay before the next look of a polled wait that already looked <paramref name="pollsInStep"/> times:
    /// <paramref name="pollInterval"/> growing by <see cref="PollGrowth"/> a look, never beyond <paramref name="longest"/>.
    /// </summary>
    public static TimeSpan PollDelay(TimeSpan pollInterval, TimeSpan longest, int pollsInStep)
    {
        var delay = pollInterval.Ticks * Math.Pow(PollGrowth, Math.Clamp(pollsInStep, 0, 64));
        return TimeSpan.FromTicks((long)Math.Min(delay, Math.Max(pollInterval.Ticks, longest.Ticks)));
    }

    /// <summary>
    /// A step's place in the EC2 queue: recoveries first (an instance is down or about to be), then a user's creates,
    /// pauses and deletes, and clean-up after any operation last.
    /// </summary>
    public static Ec2CallPriority Priority(SagaCursor operation) => operation.Step switch
    {
        SagaStep.CleanupRoot or SagaStep.CleanupVolumes or SagaStep.DeleteRootArtifacts => Ec2CallPriority.Cleanup,
        _ => operation.Kind switch
        {
            OperationKind.Recycle or OperationKind.Resume or OperationKind.Repair => Ec2CallPriority.Recovery,
            _ => Ec2CallPriority.Create,
        },
    };

    /// <summary>
    /// When a waiting operation looks at EC2 again: a wait an EC2 event ends needs only the slow fallback poll, but not
    /// past the drain deadline (where the saga terminates the old instance itself); anything else soon; a back-off
    /// waits until its next attempt.
    /// </summary>
    public static TimeSpan NextLook(SagaCursor operation, WaitKind waitingOn, DateTimeOffset now, TimeSpan pollInterval, TimeSpan eventFallback,
        int pollsInStep = 0)
    {
        var next = waitingOn is WaitKind.InstanceState or WaitKind.DrainDeadline ? eventFallback : PollDelay(pollInterval, eventFallback, pollsInStep);
        if (waitingOn == WaitKind.DrainDeadline && !operation.TerminateRequested && operation.DrainDeadline is { } due && due > now)
        {
            next = due - now;
        }
        else if (!operation.TerminateRequested && operation.DrainDeadline is { } deadline && deadline > now && deadline - now < next)
        {
            next = deadline - now;
        }

        if (operation.NextAttemptAt is { } retryAt && retryAt - now > next)
        {
            next = retryAt - now;
        }

        return next < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : next;
    }
}
