namespace StatefulSpot.Grains.Ec2.Gateway;

/// <summary>
/// Who goes first when the EC2 budget is short: a recovery's launch and attach before creates, creates before
/// continuous snapshots, snapshots before clean-up and reconciliation. Lower values go first.
/// </summary>
public enum Ec2CallPriority
{
    Recovery = 0,
    Create = 1,
    Snapshot = 2,
    Cleanup = 3,
    Background = 4,
}

/// <summary>
/// The priority and deadline of the EC2 calls made in the current grain turn. They travel in Orleans'
/// <see cref="RequestContext"/>, so a volume grain called by a recovering managed instance calls EC2 at the
/// recovery's priority; within one priority the earliest deadline goes first.
/// </summary>
public static class Ec2CallContext
{
    private const string PriorityKey = "statefulspot.ec2-priority";
    private const string DeadlineKey = "statefulspot.ec2-deadline";

    /// <summary>Sets the priority and deadline until the returned scope is disposed (then the previous ones apply again).</summary>
    public static IDisposable Use(Ec2CallPriority priority, DateTimeOffset deadline)
    {
        var previous = (RequestContext.Get(PriorityKey), RequestContext.Get(DeadlineKey));
        RequestContext.Set(PriorityKey, (int)priority);
        RequestContext.Set(DeadlineKey, deadline.UtcTicks);
        return new Scope(previous.Item1, previous.Item2);
    }

    /// <summary>The current priority; <see cref="Ec2CallPriority.Create"/> when none is set (a user's request).</summary>
    public static Ec2CallPriority Priority => RequestContext.Get(PriorityKey) is int value ? (Ec2CallPriority)value : Ec2CallPriority.Create;

    /// <summary>The current deadline as UTC ticks; <see cref="long.MaxValue"/> when none is set.</summary>
    public static long DeadlineTicks => RequestContext.Get(DeadlineKey) is long ticks ? ticks : long.MaxValue;

    private sealed class Scope(object? priority, object? deadline) : IDisposable
    {
        public void Dispose()
        {
            Restore(PriorityKey, priority);
            Restore(DeadlineKey, deadline);
        }

        private static void Restore(string key, object? value)
        {
            if (value is null)
            {
                RequestContext.Remove(key);
            }
            else
            {
                RequestContext.Set(key, value);
            }
        }
    }
}
