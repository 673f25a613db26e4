using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga;

/// <summary>What an operation that supersedes a running one inherits from it.</summary>
public static class Supersession
{
    /// <summary>Whether an operation ends the instances it finds (recycle, pause, a delete that terminates).</summary>
    public static bool TerminatesInstances(SagaCursor cursor) => cursor.Kind switch
    {
        OperationKind.Recycle or OperationKind.Pause => true,
        OperationKind.Delete => cursor.DeleteOptions is not { ShouldTerminateInstance: false },
        _ => false,
    };

    /// <summary>
    /// The instances besides <paramref name="next"/>'s old instance that it must terminate: a superseded operation may
    /// have two (a pre-staged recycle launches before the old one is gone), plus what it had to terminate itself. An
    /// interrupted import's original is the user's machine, not a leftover: it is left as it is. Empty when
    /// <paramref name="next"/> terminates nothing or nothing was running.
    /// </summary>
    public static IReadOnlyList<string> AlsoTerminate(SagaCursor? previous, SagaCursor next, string? importedFrom) =>
        previous is null || !TerminatesInstances(next)
            ? next.AlsoTerminate
            : [.. new[] { previous.OldInstanceId, previous.NewInstanceId }.Concat(previous.AlsoTerminate)
                .OfType<string>().Where(id => id != next.OldInstanceId && id != importedFrom).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Whether <paramref name="next"/> must look for instances of ours that no state records before it waits for the
    /// old one: a delete that terminates always does; any operation that terminates does after a launch whose answer
    /// never came (the superseded operation asked for one and recorded none, or the last operation ended in Error).
    /// </summary>
    public static bool SweepsUnrecorded(SagaCursor? previous, SagaCursor next, ManagedInstanceStatus status) =>
        TerminatesInstances(next)
        && (next.Kind == OperationKind.Delete || status == ManagedInstanceStatus.Error || previous is { LaunchRequested: true, NewInstanceId: null });
}
