namespace StatefulSpot.Emulator.Core;

/// <summary>
/// The single lock around the world. Every read and write of <see cref="EmulatorState"/> goes through it, which makes
/// each API call atomic and every snapshot consistent. After each write, <see cref="Changed"/> runs inside the lock
/// (the scheduler re-arms its timer, the state file schedules a save).
/// </summary>
internal sealed class WorldGate(EmulatorState state)
{
    private readonly Lock _lock = new();

    public event Action<EmulatorState>? Changed;

    public T Read<T>(Func<EmulatorState, T> read)
    {
        lock (_lock)
        {
            return read(state);
        }
    }

    public T Write<T>(Func<EmulatorState, T> write)
    {
        lock (_lock)
        {
            try
            {
                return write(state);
            }
            finally
            {
                Changed?.Invoke(state);
            }
        }
    }

    /// <summary>A write that tells afterwards whether it changed anything (no change: no <see cref="Changed"/>).</summary>
    public T Write<T>(Func<EmulatorState, T> write, Func<T, bool> changed)
    {
        lock (_lock)
        {
            var result = write(state);
            if (changed(result))
            {
                Changed?.Invoke(state);
            }

            return result;
        }
    }

    public void Write(Action<EmulatorState> write) => Write(s =>
    {
        write(s);
        return true;
    });
}
