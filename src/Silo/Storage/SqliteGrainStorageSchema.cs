using System.Reflection;
using Microsoft.Data.Sqlite;

namespace StatefulSpot.Silo.Storage;

/// <summary>
/// Creates (or upgrades in place) the SQLite schema that the Orleans ADO.NET grain storage provider
/// needs: the <c>OrleansQuery</c> table with the named queries and the <c>OrleansStorage</c> table.
/// The NuGet packages ship no SQL scripts, so the script is embedded in this assembly
/// (<c>Storage/Sqlite/sqlite-grain-storage.sql</c>).
/// </summary>
public static class SqliteGrainStorageSchema
{
    /// <summary>The ADO.NET invariant under which Orleans loads Microsoft.Data.Sqlite.</summary>
    public const string Invariant = "System.Data.SQLite";

    /// <summary>Seconds Microsoft.Data.Sqlite keeps retrying a statement that hits SQLITE_BUSY/SQLITE_LOCKED.</summary>
    public const int BusyTimeoutSeconds = 30;

    private const string ScriptResourceName = "StatefulSpot.Silo.Storage.Sqlite.sqlite-grain-storage.sql";

    private static readonly Lazy<string> Script = new(LoadScript);

    /// <summary>
    /// The connection string the storage provider should use for the database file at
    /// <paramref name="databasePath"/> (made absolute against the current directory).
    /// </summary>
    /// <remarks>
    /// <c>Mode=ReadWriteCreate</c> creates the file on first open. The cache is private (shared cache
    /// would add table-level locks on top of WAL) and connections are pooled. Concurrent writers are
    /// handled by WAL journal mode (set persistently by the schema script) and by
    /// Microsoft.Data.Sqlite's own retry on SQLITE_BUSY, which lasts <c>Default Timeout</c> seconds.
    /// </remarks>
    public static string ConnectionStringFor(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(databasePath),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        };
        return builder.ToString();
    }

    /// <summary>
    /// Applies the embedded schema script to the database named by <paramref name="connectionString"/>.
    /// Idempotent: works on a missing or empty file and on an up-to-date one. Creates the directory
    /// of the database file when it does not exist.
    /// </summary>
    public static async Task EnsureCreatedAsync(string connectionString, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource)
            || builder.Mode == SqliteOpenMode.Memory
            || string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                "The SQLite grain storage needs a database file: every provider call opens its own connection.",
                nameof(connectionString));
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // A private, unpooled connection: if the script fails half-way, closing the connection rolls
        // its transaction back instead of returning a connection with an open transaction to the pool.
        builder.Pooling = false;
        if (builder.Mode == SqliteOpenMode.ReadWrite)
        {
            builder.Mode = SqliteOpenMode.ReadWriteCreate;
        }

        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Script.Value;
        command.CommandTimeout = builder.DefaultTimeout;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static string LoadScript()
    {
        var assembly = typeof(SqliteGrainStorageSchema).Assembly;
        using var stream = assembly.GetManifestResourceStream(ScriptResourceName)
            ?? throw new InvalidOperationException(
                $"Embedded resource '{ScriptResourceName}' is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
