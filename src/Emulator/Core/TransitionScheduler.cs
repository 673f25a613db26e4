using Microsoft.Extensions.Logging;

namespace StatefulSpot.Emulator.Core;

/// <summary>
/// Drives the world forward with time alone: one timer armed for the earliest pending transition; when it fires,
/// every due transition is applied under the world lock (which may schedule more and re-arm the timer).
/// </summary>
internal sealed partial class TransitionScheduler : IDisposable
{
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(1);

    private readonly WorldGate _gate;
    private readonly TransitionRunner _runner;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private DateTimeOffset? _armedFor;
    private bool _disposed;

    public TransitionScheduler(WorldGate gate, TransitionRunner runner, TimeProvider time, ILogger<TransitionScheduler> logger)
    {
        _gate = gate;
        _runner = runner;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        gate.Changed += Rearm;
    }

    public void Dispose()
    {
        _gate.Read(_ =>
        {
            _disposed = true;
            return true;
        });
        _gate.Changed -= Rearm;
        _timer.Dispose();
    }

    /// <summary>Runs inside the world lock after every write.</summary>
    private void Rearm(EmulatorState state)
    {
        var next = state.Timeline.NextDueAt;
        if (_disposed || next == _armedFor)
        {
            return;
        }

        _armedFor = next;
        if (next is null)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var delay = next.Value - _time.GetUtcNow();
        _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxTimerDelay ? MaxTimerDelay : delay, Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        try
        {
            _gate.Write(state =>
            {
                _armedFor = null;
                if (_disposed)
                {
                    return;
                }

                var now = _time.GetUtcNow();
                while (state.Timeline.TryTakeDue(now, out var transition))
                {
                    try
                    {
                        _runner.Apply(state, transition);
                        LogApplied(transition.Kind, transition.ResourceId);
                    }
                    catch (Exception e)
                    {
                        LogFailed(e, transition.Kind, transition.ResourceId);
                    }
                }
            });
        }
        catch (Exception e)
        {
            LogTickFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transition {Kind} applied to {ResourceId}")]
    private partial void LogApplied(TransitionKind kind, string resourceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Transition {Kind} of {ResourceId} failed")]
    private partial void LogFailed(Exception exception, TransitionKind kind, string resourceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The transition scheduler tick failed")]
    private partial void LogTickFailed(Exception exception);
}
