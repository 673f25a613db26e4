namespace StatefulSpot.Cluster.Tests.Storage;

public interface IStorageTestGrain : IGrainWithStringKey
{
    Task<StorageTestSnapshot> Increment(string label);

    Task<StorageTestSnapshot> Get();
}

[GenerateSerializer]
[Alias("StatefulSpot.Cluster.Tests.Storage.StorageTestSnapshot")]
public sealed record StorageTestSnapshot(
    [property: Id(0)] int Count,
    [property: Id(1)] string? Label,
    [property: Id(2)] string? ETag,
    [property: Id(3)] bool RecordExists);

/// <summary>Plain class: stored as System.Text.Json by the SQLite storage, needs no Orleans attributes.</summary>
public sealed class StorageTestState
{
    public int Count { get; set; }

    public string? Label { get; set; }

    public List<string> History { get; set; } = [];
}

public sealed class StorageTestGrain(
    [PersistentState(StorageTestGrain.StateName, StorageTestGrain.StorageName)] IPersistentState<StorageTestState> state)
    : Grain, IStorageTestGrain
{
    public const string StateName = "storage-test-counter";
    public const string StorageName = "sqlite-test";

    public async Task<StorageTestSnapshot> Increment(string label)
    {
        state.State.Count++;
        state.State.Label = label;
        state.State.History.Add(label);
        await state.WriteStateAsync();
        return Snapshot();
    }

    public Task<StorageTestSnapshot> Get() => Task.FromResult(Snapshot());

    private StorageTestSnapshot Snapshot() =>
        new(state.State.Count, state.State.Label, state.Etag, state.RecordExists);
}
