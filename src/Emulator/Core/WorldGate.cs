namespace StatefulSpot.Emulator.Core;

/// <summary>
/// The reader/writer lock around the world. Every read and write of <see cref="EmulatorState"/> goes through it, which
/// makes each API call atomic and every snapshot consistent. Reads (Describe*, snapshots) run concurrently and must not
/// change the world; a write runs alone. After each write, <see cref="Changed"/> runs inside the write lock (the
/// scheduler re-arms its timer, the state file schedules a save). Not re-entrant: a gate call inside another throws. The lock lives as long as the
/// emulator (it is never disposed, so a request still in flight at shutdown cannot meet a disposed lock).
/// </summary>
internal sealed class WorldGate(EmulatorState state)
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    public event Action<EmulatorState>? Changed;

    public T Read<T>(Func<EmulatorState, T> read)
    {
        _lock.EnterReadLock();
        try
        {
            return read(state);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public T Write<T>(Func<EmulatorState, T> write)
    {
        _lock.EnterWriteLock();
        try
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
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>A write that tells afterwards whether it changed anything (no change: no <see cref="Changed"/>).</summary>
    public T Write<T>(Func<EmulatorState, T> write, Func<T, bool> changed)
    {
        _lock.EnterWriteLock();
        try
        {
            var result = write(state);
            if (changed(result))
            {
                Changed?.Invoke(state);
            }

            return result;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Write(Action<EmulatorState> write) => Write(s =>
    {
        write(s);
        return true;
    });
}
