using System.Diagnostics.CodeAnalysis;

namespace StatefulSpot.Emulator.Core;

/// <summary>What a timed transition does when it comes due.</summary>
internal enum TransitionKind
{
    InstanceRunning = 1,
    InstanceInterruptionAction = 2,
    InstanceTerminated = 3,
    VolumeAvailable = 4,
    VolumeAttached = 5,
    VolumeDetached = 6,
    NetworkInterfaceAvailable = 7,
    InstanceStopped = 8,
    SnapshotCompleted = 9,
    ImageAvailable = 10,
    ScheduledInterruptionWarning = 11,
    NetworkInterfaceAttached = 12,
    NetworkInterfaceDetached = 13,
}

/// <summary>
/// One pending state change of one resource. <paramref name="Reference"/> pins the change to the resource's
/// situation when it was scheduled (e.g. the attachment it completes), so a stale transition is a no-op.
/// </summary>
internal sealed record ScheduledTransition(long Sequence, DateTimeOffset DueAt, TransitionKind Kind, string ResourceId, string? Reference);

/// <summary>The queue of pending timed transitions, ordered by due time then by scheduling order. Part of the persisted world.</summary>
internal sealed class Timeline
{
    private readonly PriorityQueue<ScheduledTransition, (DateTimeOffset DueAt, long Sequence)> _queue = new();
    private long _nextSequence;

    public DateTimeOffset? NextDueAt => _queue.TryPeek(out _, out var priority) ? priority.DueAt : null;

    public void Schedule(DateTimeOffset dueAt, TransitionKind kind, string resourceId, string? reference = null)
    {
        var transition = new ScheduledTransition(++_nextSequence, dueAt, kind, resourceId, reference);
        _queue.Enqueue(transition, (dueAt, transition.Sequence));
    }

    public bool TryTakeDue(DateTimeOffset now, [NotNullWhen(true)] out ScheduledTransition? transition)
    {
        if (_queue.TryPeek(out var next, out var priority) && priority.DueAt <= now)
        {
            transition = _queue.Dequeue();
            return true;
        }

        transition = null;
        return false;
    }

    public IReadOnlyList<ScheduledTransition> Pending() =>
        _queue.UnorderedItems.Select(i => i.Element).OrderBy(t => t.DueAt).ThenBy(t => t.Sequence).ToList();

    public void Restore(IEnumerable<ScheduledTransition> transitions)
    {
        foreach (var t in transitions)
        {
            _queue.Enqueue(t, (t.DueAt, t.Sequence));
            _nextSequence = Math.Max(_nextSequence, t.Sequence);
        }
    }
}
