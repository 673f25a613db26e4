using Npgsql;

namespace StatefulSpot.Silo.Hosting;

/// <summary>Checks a PostgreSQL connection string without connecting.</summary>
internal static class PostgresConnectionString
{
    public static bool TryParse(string value, out string error)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                error = "it names no Host.";
                return false;
            }

            error = "";
            return true;
        }
        catch (ArgumentException exception)
        {
            error = exception.Message;
            return false;
        }
    }
}
