using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances.Saga;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// Pacing an operation: the reminder that brings it back after a restart, the timer that runs its steps, waking on an
/// event, and when the next look is due.
/// </summary>
public sealed partial class ManagedInstanceGrain
{
    public Task WakeAsync(CancellationToken cancellationToken = default) =>
        State.Operation is null ? Task.CompletedTask : EnsureDrivenAsync(cancellationToken);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == SnapshotReminderName)
        {
            // Activation already started the snapshot timer; this keeps it matched to the spec, and takes a pass that is
            // due now (the grain may have been collected while idle, timer and all).
            await EnsureSnapshottingAsync();
            await SnapshotTickAsync(CancellationToken.None);
            return;
        }

        if (State.Operation is null)
        {
            await StopDrivingAsync();
            return;
        }

        await EnsureDrivenAsync(CancellationToken.None);
    }

    private async Task EnsureDrivenAsync(CancellationToken cancellationToken)
    {
        await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
        if (_timer is not null)
        {
            // An operation that starts (or is woken) runs now, whatever the wait the previous one was pacing itself for.
            WakeNow();
            return;
        }

        _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = _options.PollInterval,
            KeepAlive = true,
        });
    }

    /// <summary>
    /// The states events reported since the last step ran, and when instances left <c>running</c> by their events' times,
    /// for this run only: a later look asks EC2.
    /// </summary>
    private (Dictionary<string, string> States, Dictionary<string, DateTimeOffset> LeftRunning) TakeReported()
    {
        var reported = (_reported, _reportedLeftRunning);
        _reported = new Dictionary<string, string>(StringComparer.Ordinal);
        _reportedLeftRunning = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        return reported;
    }

    /// <summary>Runs the current step now: an EC2 event says what it waits for may have happened.</summary>
    private void WakeNow() => _timer?.Change(TimeSpan.Zero, _options.PollInterval);

    private async Task StopDrivingAsync()
    {
        _timer?.Dispose();
        _timer = null;
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var waitingOn = await AdvanceAsync(cancellationToken);
        if (State.Operation is null)
        {
            await StopDrivingAsync();
            return;
        }

        // A polled wait looks less often the longer it lasts; a new step (or a new operation) starts again at the poll interval.
        var step = (State.Operation.StartedAt, State.Operation.Step);
        _pollsInStep = waitingOn == WaitKind.Poll && step == _pollingStep ? _pollsInStep + 1 : 0;
        _pollingStep = step;
        var next = WaitRules.NextLook(State.Operation, waitingOn, time.GetUtcNow(), _options.PollInterval,
            WaitRules.Jittered(_options.EventFallbackInterval, Random.Shared.NextDouble()), _pollsInStep);
        _timer?.Change(next, next);
    }
}
