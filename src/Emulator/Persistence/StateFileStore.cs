using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Sqs;

namespace StatefulSpot.Emulator.Persistence;

/// <summary>The state file's content: every EC2 resource, every queue with its messages, and the pending transitions.</summary>
internal sealed record PersistedWorld(int Version, Ec2State Ec2, SqsState Sqs, IReadOnlyList<ScheduledTransition> Timeline)
{
    public const int CurrentVersion = 1;
}

/// <summary>
/// Keeps the world in a compact JSON file: loaded at start, written <see cref="EmulatorOptions.StateFileSaveDelay"/>
/// after a change (changes in between are batched) but never sooner than <see cref="EmulatorOptions.StateFileMinInterval"/>
/// after the previous write began, and once more on dispose. The JSON is streamed to a temporary file through a fixed
/// buffer (no string or array of the whole world) that then replaces the old file, so a crash never leaves a
/// half-written file. Files written indented by earlier versions load the same.
/// </summary>
internal sealed partial class StateFileStore : IDisposable
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly string _path;
    private readonly TimeSpan _delay;
    private readonly TimeSpan _minInterval;
    private readonly WorldGate _gate;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly Lock _fileLock = new();
    private readonly Lock _scheduleLock = new();
    private bool _savePending;
    private long? _lastSaveStarted;
    private int _saves;

    public StateFileStore(string path, TimeSpan delay, TimeSpan minInterval, WorldGate gate, TimeProvider time, ILogger<StateFileStore> logger)
    {
        _path = Path.GetFullPath(path);
        _delay = delay;
        _minInterval = minInterval;
        _gate = gate;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(_ => SaveQuietly(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        gate.Changed += MarkDirty;
    }

    /// <summary>How many times the file has been written.</summary>
    public int Saves => Volatile.Read(ref _saves);

    /// <summary>The world stored at <paramref name="path"/>, or null when there is no file yet.</summary>
    public static EmulatorState? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        PersistedWorld? world;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
            world = JsonSerializer.Deserialize<PersistedWorld>(file, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"The emulator state file '{path}' is not valid: {e.Message}", e);
        }

        if (world is null || world.Version != PersistedWorld.CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The emulator state file '{path}' has version {world?.Version}; this emulator reads version {PersistedWorld.CurrentVersion}.");
        }

        var state = new EmulatorState { Ec2 = world.Ec2, Sqs = world.Sqs };
        state.Timeline.Restore(world.Timeline);
        return state;
    }

    /// <summary>Writes the file now (also used on dispose).</summary>
    public void Save()
    {
        lock (_scheduleLock)
        {
            _savePending = false;
            _lastSaveStarted = _time.GetTimestamp();
        }

        lock (_fileLock)
        {
            var directory = Path.GetDirectoryName(_path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var temporary = _path + ".tmp";
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                _gate.Read(state =>
                {
                    Write(file, state);
                    return true;
                });
            }

            File.Move(temporary, _path, overwrite: true);
        }

        Interlocked.Increment(ref _saves);
        LogSaved(_path);
    }

    public void Dispose()
    {
        _gate.Read(_ =>
        {
            _gate.Changed -= MarkDirty;
            return true;
        });
        _timer.Dispose();
        SaveQuietly();
    }

    /// <summary>Streams the world as compact JSON; runs inside the world's read lock.</summary>
    private static void Write(Stream file, EmulatorState state)
    {
        using var chunks = new FileChunkWriter(file);
        using (var json = new Utf8JsonWriter(chunks))
        {
            JsonSerializer.Serialize(json, new PersistedWorld(PersistedWorld.CurrentVersion, state.Ec2, state.Sqs, state.Timeline.Pending()), Json);
        }

        chunks.Flush();
    }

    /// <summary>
    /// Runs inside the world lock after every write: schedule one save, <see cref="_delay"/> from now but not before
    /// <see cref="_minInterval"/> after the last save began.
    /// </summary>
    private void MarkDirty(EmulatorState state)
    {
        lock (_scheduleLock)
        {
            if (_savePending)
            {
                return;
            }

            _savePending = true;
            var untilInterval = _lastSaveStarted is { } started ? _minInterval - _time.GetElapsedTime(started) : TimeSpan.Zero;
            _timer.Change(untilInterval > _delay ? untilInterval : _delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void SaveQuietly()
    {
        try
        {
            Save();
        }
        catch (Exception e)
        {
            // runs on a timer thread: never let a failed save take the process down
            LogSaveFailed(e, _path);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "World saved to {Path}")]
    private partial void LogSaved(string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not save the world to {Path}")]
    private partial void LogSaveFailed(Exception exception, string path);
}
