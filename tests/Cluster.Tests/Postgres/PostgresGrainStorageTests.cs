using System.Text;
using System.Text.Json;
using Npgsql;
using Orleans.TestingHost;
using StatefulSpot.Grains;
using StatefulSpot.Silo.Storage;

namespace StatefulSpot.Cluster.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task State_RoundTripsThroughPostgres_AsPlainJson_AndSurvivesANewCluster()
    {
        var connectionString = await postgres.CreateDatabaseAsync("storage");
        await PostgresSchema.ApplyAsync(connectionString);
        var at = new DateTimeOffset(2026, 5, 1, 12, 30, 0, TimeSpan.Zero);

        await using (var cluster = await StartClusterAsync(connectionString))
        {
            var grain = cluster.Client.GetGrain<IPostgresStateGrain>("smi-0000abcd");
            Assert.Equal("1", await grain.RecordAsync("launch", at));
            Assert.Equal("2", await grain.RecordAsync("attach", at.AddMinutes(1)));
        }

        await using (var cluster = await StartClusterAsync(connectionString))
        {
            var state = await cluster.Client.GetGrain<IPostgresStateGrain>("smi-0000abcd").GetAsync();
            Assert.Equal(PostgresTestPhase.Recorded, state.Phase);
            Assert.Equal(["launch", "attach"], state.Steps);
            Assert.Equal(at.AddMinutes(1), state.LastAt);
            Assert.Equal(new PostgresTestDetail("vol-0123", 100), state.Detail);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT GrainTypeString, ServiceId, Version, PayloadBinary FROM OrleansStorage WHERE GrainTypeString = 'postgres-test'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no row for the grain state");
        Assert.Equal("statefulspot-pg-tests", reader.GetString(1));
        Assert.Equal(2, reader.GetInt32(2));
        var json = Encoding.UTF8.GetString((byte[])reader[3]);
        Assert.DoesNotContain("$type", json);
        Assert.DoesNotContain("$id", json);
        using var document = JsonDocument.Parse(json);
        Assert.Equal("vol-0123", document.RootElement.GetProperty("Detail").GetProperty("VolumeId").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("Steps").GetArrayLength());
        Assert.False(await reader.ReadAsync(), "more than one row for one grain state");
    }

    private static Task<TestCluster> StartClusterAsync(string connectionString) =>
        PostgresTestCluster.StartAsync(connectionString, silos: 1, serviceId: "statefulspot-pg-tests");
}
