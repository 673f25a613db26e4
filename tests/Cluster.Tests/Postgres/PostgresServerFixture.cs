using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace StatefulSpot.Cluster.Tests.Postgres;

/// <summary>
/// A private PostgreSQL server for the tests, started from the installed server binaries (initdb into a temp directory,
/// pg_ctl start on a free loopback port, unix socket in the same directory, trust authentication) and deleted at the
/// end. Runs the server as the <c>postgres</c> user when the tests run as root (PostgreSQL refuses root). Fails loudly,
/// never skips, when no server can start. Each test takes a database of its own with <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    /// <summary>Overrides where the server binaries are (a folder with initdb, pg_ctl and postgres).</summary>
    public const string BinDirectoryVariable = "STATEFULSPOT_PG_BIN";

    private const string ServiceUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private string _directory = "";
    private string _bin = "";
    private int _databases;

    public int Port { get; private set; }

    /// <summary>A connection string for <paramref name="database"/> on the private server, as the superuser.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = ServiceUser,
        Database = database,
        Timeout = 15,
        MaxPoolSize = 20,
    }.ConnectionString;

    public async Task InitializeAsync()
    {
        _bin = FindBinDirectory();
        _directory = Directory.CreateTempSubdirectory("statefulspot-pg-").FullName;
        if (IsRoot())
        {
            await RunAsync("chown", ["-R", ServiceUser, _directory], asServiceUser: false);
        }

        var data = Path.Combine(_directory, "data");
        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", data, "-A", "trust", "-U", ServiceUser, "-E", "UTF8", "--no-sync"], asServiceUser: true);

        // A free port can be taken between the probe and the server's bind: try a few.
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = FreePort();
            var options = $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c max_connections=300 "
                + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            try
            {
                await RunAsync(Path.Combine(_bin, "pg_ctl"),
                    ["-D", data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "-o", options, "start"], asServiceUser: true);
                await using var connection = new NpgsqlConnection(ConnectionString());
                await connection.OpenAsync();
                return;
            }
            catch (Exception exception) when (exception is InvalidOperationException or NpgsqlException)
            {
                last = exception;
            }
        }

        throw new InvalidOperationException($"The private PostgreSQL server did not start from {_bin}:\n{last?.Message}\n{ServerLog()}", last);
    }

    /// <summary>Creates an empty database with a fresh name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}".ToLowerInvariant();
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_bin.Length > 0 && Directory.Exists(Path.Combine(_directory, "data")))
        {
            try
            {
                await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], asServiceUser: true);
            }
            catch (InvalidOperationException)
            {
                // Not running (it never started): nothing to stop.
            }
        }

        if (_directory.Length > 0)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by the exiting server; the temp folder is cleaned by the OS.
            }
        }
    }

    private static string FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable(BinDirectoryVariable) is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new InvalidOperationException($"{BinDirectoryVariable}={configured} has no initdb.");
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries found in /usr/lib/postgresql/*/bin: install them (apt-get install postgresql) "
            + $"or set {BinDirectoryVariable}. The PostgreSQL tests need a real server and do not skip.");
    }

    private static bool IsRoot() => Environment.UserName == "root";

    private async Task RunAsync(string program, string[] arguments, bool asServiceUser)
    {
        var start = new ProcessStartInfo(asServiceUser && IsRoot() ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        if (asServiceUser && IsRoot())
        {
            foreach (var argument in (string[])["-u", ServiceUser, "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish within {CommandTimeout}:\n{output}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        }
    }

    private string ServerLog()
    {
        var log = Path.Combine(_directory, "server.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no server log)";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Every test class that needs PostgreSQL shares one private server (a database per test).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "PostgreSQL";
}
