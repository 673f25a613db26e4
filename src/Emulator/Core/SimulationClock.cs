namespace StatefulSpot.Emulator.Core;

/// <summary>
/// The current time scale (starts at <see cref="EmulatorOptions.TimeScale"/>, changeable at run time) and the clock.
/// A new scale applies to durations scheduled from then on; transitions already scheduled keep their due times.
/// </summary>
internal sealed class SimulationClock(double timeScale, TimeProvider time)
{
    private double _timeScale = timeScale;

    public DateTimeOffset Now => time.GetUtcNow();

    public double TimeScale
    {
        get => Volatile.Read(ref _timeScale);
        set
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The time scale must be a finite number >= 0.");
            }

            Volatile.Write(ref _timeScale, value);
        }
    }

    /// <summary>A simulated duration in real time.</summary>
    public TimeSpan Scale(TimeSpan duration) => TimeSpan.FromTicks((long)Math.Round(duration.Ticks * TimeScale));
}
