using Npgsql;

namespace StatefulSpot.Silo.Storage;

/// <summary>
/// The PostgreSQL schema of cluster mode: the tables and named queries of the Orleans ADO.NET clustering, grain storage
/// and reminder providers (<c>Storage/Postgres/postgresql-schema.sql</c>, embedded: the NuGet packages ship no SQL).
/// </summary>
public static class PostgresSchema
{
    /// <summary>The ADO.NET invariant under which Orleans loads Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// The advisory lock key that serializes schema application across silos (and the schema command): the ASCII of
    /// "StSpSchm". Transaction-scoped, so a silo that dies while holding it releases it.
    /// </summary>
    public const long AdvisoryLockKey = 0x537453705363686D;

    private const string ScriptResourceName = "StatefulSpot.Silo.Storage.Postgres.postgresql-schema.sql";

    private static readonly Lazy<string> Script = new(LoadScript);

    /// <summary>The schema script this build applies.</summary>
    public static string Sql => Script.Value;

    /// <summary>
    /// Applies the embedded schema to the database named by <paramref name="connectionString"/> in one transaction,
    /// after taking <see cref="AdvisoryLockKey"/>: silos that start together apply it one after the other. Idempotent:
    /// works on an empty database and on an up-to-date one, and upgrades query texts and functions in place.
    /// </summary>
    public static async Task ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // A private connection: if the script fails half-way, closing rolls the transaction back.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(Script.Value, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string LoadScript()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        using var stream = assembly.GetManifestResourceStream(ScriptResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{ScriptResourceName}' is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
