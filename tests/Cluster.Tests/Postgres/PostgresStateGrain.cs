using StatefulSpot.Grains;

namespace StatefulSpot.Cluster.Tests.Postgres;

public interface IPostgresStateGrain : IGrainWithStringKey
{
    Task<string?> RecordAsync(string step, DateTimeOffset at);

    Task<PostgresTestState> GetAsync();
}

public enum PostgresTestPhase
{
    Started = 1,
    Recorded = 2,
}

/// <summary>State with the shapes the real grains store: a record with an enum, a list, a time and a nested record.</summary>
[GenerateSerializer, Alias("statefulspot.tests.postgres-state")]
public sealed record PostgresTestState
{
    [Id(0)] public PostgresTestPhase Phase { get; init; } = PostgresTestPhase.Started;
    [Id(1)] public IReadOnlyList<string> Steps { get; init; } = [];
    [Id(2)] public DateTimeOffset? LastAt { get; init; }
    [Id(3)] public PostgresTestDetail? Detail { get; init; }
}

[GenerateSerializer, Alias("statefulspot.tests.postgres-detail")]
public sealed record PostgresTestDetail([property: Id(0)] string VolumeId, [property: Id(1)] int SizeGiB);

/// <summary>Keeps its state in the production storage name (<see cref="StorageNames.Instances"/>).</summary>
public sealed class PostgresStateGrain(
    [PersistentState("postgres-test", StorageNames.Instances)] IPersistentState<PostgresTestState> state) : Grain, IPostgresStateGrain
{
    public async Task<string?> RecordAsync(string step, DateTimeOffset at)
    {
        state.State = state.State with
        {
            Phase = PostgresTestPhase.Recorded,
            Steps = [.. state.State.Steps, step],
            LastAt = at,
            Detail = new PostgresTestDetail("vol-0123", 100),
        };
        await state.WriteStateAsync();
        return state.Etag;
    }

    public Task<PostgresTestState> GetAsync() => Task.FromResult(state.State);
}
