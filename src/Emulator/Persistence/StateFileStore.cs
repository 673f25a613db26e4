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
/// Keeps the world in a JSON file: loaded at start, written <see cref="EmulatorOptions.StateFileSaveDelay"/> after a
/// change (changes in between are batched) and once more on dispose. Writes go to a temporary file that replaces the
/// old one, so a crash never leaves a half-written file.
/// </summary>
internal sealed partial class StateFileStore : IDisposable
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly string _path;
    private readonly TimeSpan _delay;
    private readonly WorldGate _gate;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly Lock _fileLock = new();
    private int _savePending;

    public StateFileStore(string path, TimeSpan delay, WorldGate gate, TimeProvider time, ILogger<StateFileStore> logger)
    {
        _path = Path.GetFullPath(path);
        _delay = delay;
        _gate = gate;
        _logger = logger;
        _timer = time.CreateTimer(_ => SaveQuietly(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        gate.Changed += MarkDirty;
    }

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
            world = JsonSerializer.Deserialize<PersistedWorld>(File.ReadAllText(path), Json);
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
        Interlocked.Exchange(ref _savePending, 0);
        var json = _gate.Read(state => JsonSerializer.Serialize(
            new PersistedWorld(PersistedWorld.CurrentVersion, state.Ec2, state.Sqs, state.Timeline.Pending()), Json));
        lock (_fileLock)
        {
            var directory = Path.GetDirectoryName(_path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var temporary = _path + ".tmp";
            File.WriteAllText(temporary, json);
            File.Move(temporary, _path, overwrite: true);
        }

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

    /// <summary>Runs inside the world lock after every write: schedule one save.</summary>
    private void MarkDirty(EmulatorState state)
    {
        if (Interlocked.Exchange(ref _savePending, 1) == 0)
        {
            _timer.Change(_delay, Timeout.InfiniteTimeSpan);
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
