using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using StatefulSpot.Silo.Storage;

namespace StatefulSpot.Cluster.Tests.Storage;

public sealed class SqliteGrainStorageTests : IDisposable
{
    private const string ServiceId = "statefulspot-storage-tests";
    private const string DeleteOnClearStorageName = "sqlite-delete-on-clear";

    private readonly string _root;
    private readonly string _databasePath;

    public SqliteGrainStorageTests()
    {
        _root = Path.Combine(Path.GetTempPath(), "statefulspot-storage-tests", Guid.NewGuid().ToString("N"));
        // A directory that does not exist yet: the schema setup must create it.
        _databasePath = Path.Combine(_root, "nested", "grains.db");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail the test.
        }
    }

    [Fact]
    public async Task EnsureCreated_is_idempotent_and_creates_directory_tables_and_queries()
    {
        var connectionString = SqliteGrainStorageSchema.ConnectionStringFor(_databasePath);

        await SqliteGrainStorageSchema.EnsureCreatedAsync(connectionString);
        await SqliteGrainStorageSchema.EnsureCreatedAsync(connectionString);

        Assert.True(File.Exists(_databasePath));
        await using var connection = await OpenAsync();
        Assert.Equal(
            ["ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey"],
            await QueryStringsAsync(connection, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey"));
        Assert.Equal(
            ["OrleansQuery", "OrleansStorage"],
            await QueryStringsAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
        Assert.Equal(["wal"], await QueryStringsAsync(connection, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task State_survives_a_silo_restart_and_is_stored_as_plain_json()
    {
        await using (var cluster = await StartClusterAsync())
        {
            var grain = cluster.Client.GetGrain<IStorageTestGrain>("restart");
            Assert.Equal(new StorageTestSnapshot(1, "first", "1", true), await grain.Increment("first"));
            Assert.Equal(new StorageTestSnapshot(2, "second", "2", true), await grain.Increment("second"));
        }

        await using (var cluster = await StartClusterAsync())
        {
            var grain = cluster.Client.GetGrain<IStorageTestGrain>("restart");
            Assert.Equal(new StorageTestSnapshot(2, "second", "2", true), await grain.Get());
            Assert.Equal(new StorageTestSnapshot(3, "third", "3", true), await grain.Increment("third"));
        }

        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT GrainTypeString, GrainIdExtensionString, ServiceId, Version, PayloadBinary FROM OrleansStorage";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(StorageTestGrain.StateName, reader.GetString(0));
        Assert.Equal("restart", reader.GetString(1));
        Assert.Equal(ServiceId, reader.GetString(2));
        Assert.Equal(3, reader.GetInt32(3));
        var json = Encoding.UTF8.GetString((byte[])reader.GetValue(4));
        Assert.False(await reader.ReadAsync());

        Assert.DoesNotContain("$type", json, StringComparison.Ordinal);
        Assert.DoesNotContain("$id", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(3, document.RootElement.GetProperty("Count").GetInt32());
        Assert.Equal("third", document.RootElement.GetProperty("Label").GetString());
        Assert.Equal(
            ["first", "second", "third"],
            document.RootElement.GetProperty("History").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Stale_versions_raise_InconsistentStateException()
    {
        await using var cluster = await StartClusterAsync(withDeleteOnClearStorage: true);
        var storage = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageTestGrain.StorageName);
        const string StateName = "conflict-state";
        var grainId = GrainId.Create("storage-test", "conflict");

        // First write from a grain that never stored anything inserts version 1.
        var winner = new GrainState<StorageTestState>(new StorageTestState { Count = 1 });
        await storage.WriteStateAsync(StateName, grainId, winner);
        Assert.Equal("1", winner.ETag);
        Assert.True(winner.RecordExists);

        // A second "first write" (ETag null) finds the row already there.
        var duplicate = new GrainState<StorageTestState>(new StorageTestState { Count = 100 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, duplicate));

        // A reader at version 1, then the winner moves on to version 2: the reader's write is stale.
        var stale = new GrainState<StorageTestState>();
        await storage.ReadStateAsync(StateName, grainId, stale);
        Assert.Equal("1", stale.ETag);
        winner.State = new StorageTestState { Count = 2 };
        await storage.WriteStateAsync(StateName, grainId, winner);
        Assert.Equal("2", winner.ETag);
        stale.State = new StorageTestState { Count = 99 };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, stale));
        Assert.Equal("1", stale.ETag);

        // Clear obeys the same check and keeps the row with a NULL payload and a bumped version.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grainId, stale));
        await storage.ClearStateAsync(StateName, grainId, winner);
        Assert.Equal("3", winner.ETag);
        Assert.False(winner.RecordExists);
        var afterClear = new GrainState<StorageTestState>();
        await storage.ReadStateAsync(StateName, grainId, afterClear);
        Assert.Equal("3", afterClear.ETag);
        Assert.NotNull(afterClear.State);
        Assert.Equal(0, afterClear.State.Count);

        // Nothing was written by the failed attempts.
        var check = new GrainState<StorageTestState>();
        winner.State = new StorageTestState { Count = 4 };
        await storage.WriteStateAsync(StateName, grainId, winner);
        await storage.ReadStateAsync(StateName, grainId, check);
        Assert.Equal("4", check.ETag);
        Assert.Equal(4, check.State?.Count);

        // DeleteStateOnClear uses DeleteStorageKey: version-checked delete, then a fresh insert at version 1.
        var deleting = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(DeleteOnClearStorageName);
        var deletedId = GrainId.Create("storage-test", "delete");
        var toDelete = new GrainState<StorageTestState>(new StorageTestState { Count = 7 });
        await deleting.WriteStateAsync(StateName, deletedId, toDelete);
        var staleDelete = new GrainState<StorageTestState>();
        await deleting.ReadStateAsync(StateName, deletedId, staleDelete);
        await deleting.WriteStateAsync(StateName, deletedId, toDelete);
        await Assert.ThrowsAsync<InconsistentStateException>(() => deleting.ClearStateAsync(StateName, deletedId, staleDelete));
        await deleting.ClearStateAsync(StateName, deletedId, toDelete);
        Assert.Null(toDelete.ETag);
        Assert.Equal(0L, await CountRowsAsync("delete"));
        await deleting.WriteStateAsync(StateName, deletedId, toDelete);
        Assert.Equal("1", toDelete.ETag);
        Assert.Equal(1L, await CountRowsAsync("delete"));
    }

    [Fact]
    public async Task Concurrent_writes_from_many_grains_do_not_fail_with_busy()
    {
        const int Grains = 40;
        const int WritesPerGrain = 5;
        await using var cluster = await StartClusterAsync();

        await Task.WhenAll(Enumerable.Range(0, Grains).Select(async i =>
        {
            var grain = cluster.Client.GetGrain<IStorageTestGrain>($"busy-{i}");
            for (var n = 0; n < WritesPerGrain; n++)
            {
                await grain.Increment($"write-{n}");
            }
        }));

        await using var connection = await OpenAsync();
        Assert.Equal(
            [$"{Grains}:{Grains * WritesPerGrain}"],
            await QueryStringsAsync(connection, "SELECT COUNT(*) || ':' || SUM(Version) FROM OrleansStorage"));
    }

    private async Task<InProcessTestCluster> StartClusterAsync(bool withDeleteOnClearStorage = false)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = ServiceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSqliteGrainStorage(StorageTestGrain.StorageName, _databasePath);
            if (withDeleteOnClearStorage)
            {
                silo.Services.AddKeyedSingleton<IGrainStorageSerializer, SystemTextJsonGrainStorageSerializer>(DeleteOnClearStorageName);
                silo.AddAdoNetGrainStorage(DeleteOnClearStorageName, options =>
                {
                    options.Invariant = SqliteGrainStorageSchema.Invariant;
                    options.ConnectionString = SqliteGrainStorageSchema.ConnectionStringFor(_databasePath);
                    options.DeleteStateOnClear = true;
                });
            }
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(SqliteGrainStorageSchema.ConnectionStringFor(_databasePath));
        await connection.OpenAsync();
        return connection;
    }

    private async Task<long> CountRowsAsync(string grainKey)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM OrleansStorage WHERE GrainIdExtensionString = $key";
        command.Parameters.AddWithValue("$key", grainKey);
        return (long)(await command.ExecuteScalarAsync() ?? 0L);
    }

    private static async Task<List<string>> QueryStringsAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
