using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace StatefulSpot.Silo.Storage;

/// <summary>
/// Applies the SQLite grain storage schema during silo start, one lifecycle stage before the ADO.NET
/// grain storage provider named <c>storageName</c> initializes (and reads its named queries).
/// </summary>
internal sealed partial class SqliteGrainStorageSchemaInitializer : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _storageName;
    private readonly string _connectionString;
    private readonly IOptionsMonitor<AdoNetGrainStorageOptions> _storageOptions;
    private readonly ILogger<SqliteGrainStorageSchemaInitializer> _logger;

    public SqliteGrainStorageSchemaInitializer(
        string storageName,
        string connectionString,
        IOptionsMonitor<AdoNetGrainStorageOptions> storageOptions,
        ILogger<SqliteGrainStorageSchemaInitializer> logger)
    {
        _storageName = storageName;
        _connectionString = connectionString;
        _storageOptions = storageOptions;
        _logger = logger;
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        var storageInitStage = _storageOptions.Get(_storageName).InitStage;
        var stage = storageInitStage == int.MinValue ? int.MinValue : storageInitStage - 1;
        lifecycle.Subscribe($"{nameof(SqliteGrainStorageSchemaInitializer)}-{_storageName}", stage, EnsureSchemaAsync);
    }

    private async Task EnsureSchemaAsync(CancellationToken ct)
    {
        var dataSource = new SqliteConnectionStringBuilder(_connectionString).DataSource;
        try
        {
            await SqliteGrainStorageSchema.EnsureCreatedAsync(_connectionString, ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogSchemaFailed(ex, _storageName, dataSource);
            throw;
        }

        LogSchemaEnsured(_storageName, dataSource);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite grain storage schema is in place for storage {StorageName} in {DataSource}.")]
    private partial void LogSchemaEnsured(string storageName, string dataSource);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not create the SQLite grain storage schema for storage {StorageName} in {DataSource}.")]
    private partial void LogSchemaFailed(Exception exception, string storageName, string dataSource);
}
