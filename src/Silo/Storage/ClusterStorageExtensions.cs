using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Storage;

namespace StatefulSpot.Silo.Storage;

/// <summary>Cluster-mode persistence: Orleans ADO.NET clustering, grain storage and reminders on PostgreSQL.</summary>
public static class ClusterStorageExtensions
{
    /// <summary>
    /// Membership, grain storage <paramref name="storageNames"/> (plain System.Text.Json rows through a keyed
    /// <see cref="SystemTextJsonGrainStorageSerializer"/> unless one was registered for the name before) and the reminder
    /// table, all in the PostgreSQL database of <paramref name="connectionString"/>. The schema must be in place before
    /// the silo starts: <see cref="PostgresSchema.ApplyAsync"/>.
    /// </summary>
    public static ISiloBuilder UsePostgres(this ISiloBuilder silo, string connectionString, params string[] storageNames)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresSchema.Invariant;
            options.ConnectionString = connectionString;
        });
        foreach (var name in storageNames)
        {
            silo.Services.TryAddKeyedSingleton<IGrainStorageSerializer, SystemTextJsonGrainStorageSerializer>(name);
            silo.AddAdoNetGrainStorage(name, options =>
            {
                options.Invariant = PostgresSchema.Invariant;
                options.ConnectionString = connectionString;
            });
        }

        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = PostgresSchema.Invariant;
            options.ConnectionString = connectionString;
        });
        return silo;
    }
}
