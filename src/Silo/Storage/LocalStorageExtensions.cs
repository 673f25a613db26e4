using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Storage;

namespace StatefulSpot.Silo.Storage;

/// <summary>Local-mode grain storage: Orleans ADO.NET grain storage on a SQLite file.</summary>
public static class LocalStorageExtensions
{
    /// <summary>
    /// Adds an ADO.NET grain storage provider named <paramref name="name"/> that keeps grain state in
    /// the SQLite file at <paramref name="databasePath"/>.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>State is stored as plain System.Text.Json (no CLR type names) through a keyed
    /// <see cref="SystemTextJsonGrainStorageSerializer"/> for <paramref name="name"/>, unless a keyed
    /// <see cref="IGrainStorageSerializer"/> was registered for that name before.</item>
    /// <item>The schema is created by a silo lifecycle participant one stage before the provider's
    /// own <c>InitStage</c> (which loads the named queries), so the file, its directory and the
    /// tables exist before the provider first touches them.</item>
    /// <item>A row is identified by ServiceId, state name and grain key: keep ServiceId fixed across
    /// restarts and state names unique per grain type.</item>
    /// </list>
    /// </remarks>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder silo, string name, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);

        var connectionString = SqliteGrainStorageSchema.ConnectionStringFor(databasePath);

        silo.Services.TryAddKeyedSingleton<IGrainStorageSerializer, SystemTextJsonGrainStorageSerializer>(name);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services =>
            ActivatorUtilities.CreateInstance<SqliteGrainStorageSchemaInitializer>(services, name, connectionString));

        silo.AddAdoNetGrainStorage(name, options =>
        {
            options.Invariant = SqliteGrainStorageSchema.Invariant;
            options.ConnectionString = connectionString;
        });
        return silo;
    }
}
