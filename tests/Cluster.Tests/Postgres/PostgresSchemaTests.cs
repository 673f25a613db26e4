using Npgsql;
using StatefulSpot.Cluster.Tests.MultiProcess;
using StatefulSpot.Silo.Storage;

namespace StatefulSpot.Cluster.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresServerFixture postgres)
{
    /// <summary>Every query key the 10.4.2 clustering, persistence and reminder providers load at start-up.</summary>
    private static readonly string[] ProviderQueryKeys =
    [
        "CleanupDefunctSiloEntriesKey", "ClearStorageKey", "DeleteMembershipTableEntriesKey", "DeleteReminderRowKey",
        "DeleteReminderRowsKey", "DeleteStorageKey", "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey",
        "MembershipReadAllKey", "MembershipReadRowKey", "ReadFromStorageKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "ReadReminderRowKey", "ReadReminderRowsKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey", "UpsertReminderRowKey",
        "WriteToStorageKey",
    ];

    private static readonly string[] Tables =
        ["orleansmembershiptable", "orleansmembershipversiontable", "orleansquery", "orleansreminderstable", "orleansstorage"];

    [Fact]
    public async Task Apply_OnAnEmptyDatabase_CreatesTablesAndEveryProviderQuery_AndAgainOnAnUpToDateOne()
    {
        var connectionString = await postgres.CreateDatabaseAsync("schema_twice");

        await PostgresSchema.ApplyAsync(connectionString);
        var first = await QueryTextsAsync(connectionString);
        await PostgresSchema.ApplyAsync(connectionString);

        Assert.Equal(ProviderQueryKeys, first.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(first, await QueryTextsAsync(connectionString));
        Assert.Equal(Tables, await StringsAsync(connectionString,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"));
    }

    [Fact]
    public async Task Apply_OnADatabaseWithStaleQueries_ReplacesTheirTexts_AndKeepsTheRows()
    {
        var connectionString = await postgres.CreateDatabaseAsync("schema_upgrade");
        await PostgresSchema.ApplyAsync(connectionString);
        await ExecuteAsync(connectionString, """
            UPDATE OrleansQuery SET QueryText = 'stale' WHERE QueryKey = 'WriteToStorageKey';
            DELETE FROM OrleansQuery WHERE QueryKey = 'GatewaysQueryKey';
            INSERT INTO OrleansRemindersTable VALUES ('svc', 'grain', 'saga', now(), 60000, 42, 0);
            """);

        await PostgresSchema.ApplyAsync(connectionString);

        var texts = await QueryTextsAsync(connectionString);
        Assert.Equal(ProviderQueryKeys, texts.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("statefulspot_storage_write", texts["WriteToStorageKey"]);
        Assert.Equal(["grain"], await StringsAsync(connectionString, "SELECT GrainId FROM OrleansRemindersTable"));
    }

    [Fact]
    public async Task Apply_BySilosStartingTogether_TakesTurnsAndSucceedsForAll()
    {
        var connectionString = await postgres.CreateDatabaseAsync("schema_race");

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => PostgresSchema.ApplyAsync(connectionString))));

        Assert.Equal(ProviderQueryKeys, (await QueryTextsAsync(connectionString)).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SchemaApplyCommand_AppliesTheSchema_AndNamesTheMissingKey()
    {
        var connectionString = await postgres.CreateDatabaseAsync("schema_command");
        var workDirectory = Path.GetTempPath();

        var first = await SiloProcess.RunAsync(workDirectory, ["schema", "apply", $"--StatefulSpot:ConnectionString={connectionString}"], TimeSpan.FromMinutes(1));
        var second = await SiloProcess.RunAsync(workDirectory, ["schema", "apply", $"--StatefulSpot:ConnectionString={connectionString}"], TimeSpan.FromMinutes(1));
        var missing = await SiloProcess.RunAsync(workDirectory, ["schema", "apply"], TimeSpan.FromMinutes(1));

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("schema is in place", second.Output);
        Assert.Equal(ProviderQueryKeys, (await QueryTextsAsync(connectionString)).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("StatefulSpot:ConnectionString is required", missing.Output);
    }

    private static async Task<Dictionary<string, string>> QueryTextsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey, QueryText FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var texts = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            texts[reader.GetString(0)] = reader.GetString(1);
        }

        return texts;
    }

    private static async Task<List<string>> StringsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
