using System.Diagnostics;
using System.Text;
using Npgsql;

namespace StatefulSpot.Controller.Bench;

/// <summary>
/// A private PostgreSQL server for cluster mode, as the PostgreSQL tests start theirs: the installed server binaries
/// (/usr/lib/postgresql/*/bin, or STATEFULSPOT_PG_BIN), initdb into the run's temp directory, pg_ctl start on a free
/// loopback port with trust authentication, run as the postgres user when the bench runs as root; stopped at the end.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly string _directory;
    private readonly string _bin;

    private PostgresServer(string directory, string bin)
    {
        _directory = directory;
        _bin = bin;
    }

    public int Port { get; private set; }

    public string Bin => _bin;

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = ServiceUser,
        Database = database,
        Timeout = 15,
    }.ConnectionString;

    public static async Task<PostgresServer> StartAsync(string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);

        // The run's temp directory is private (0700) to root: the postgres user must be able to pass through it.
        var parent = Path.GetDirectoryName(directory)!;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(parent, File.GetUnixFileMode(parent) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        var server = new PostgresServer(directory, FindBinDirectory());
        if (IsRoot())
        {
            await server.RunAsync("chown", ["-R", ServiceUser, directory], asServiceUser: false, ct).ConfigureAwait(false);
        }

        var data = Path.Combine(directory, "data");
        await server.RunAsync(Path.Combine(server._bin, "initdb"), ["-D", data, "-A", "trust", "-U", ServiceUser, "-E", "UTF8", "--no-sync"],
            asServiceUser: true, ct).ConfigureAwait(false);
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            server.Port = ChildProcess.FreePort();
            var options = $"-p {server.Port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300 "
                + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            try
            {
                await server.RunAsync(Path.Combine(server._bin, "pg_ctl"),
                    ["-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "-o", options, "start"], asServiceUser: true, ct)
                    .ConfigureAwait(false);
                await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
                await connection.OpenAsync(ct).ConfigureAwait(false);
                return server;
            }
            catch (Exception exception) when (exception is InvalidOperationException or NpgsqlException)
            {
                last = exception;
            }
        }

        throw new InvalidOperationException($"The private PostgreSQL server did not start from {server._bin}: {last?.Message}");
    }

    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"],
                asServiceUser: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // not running
        }
    }

    private static string FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("STATEFULSPOT_PG_BIN") is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new InvalidOperationException($"STATEFULSPOT_PG_BIN={configured} has no initdb.");
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            "cluster mode needs PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql) or STATEFULSPOT_PG_BIN.");
    }

    private static bool IsRoot() => Environment.UserName == "root";

    private async Task RunAsync(string program, string[] arguments, bool asServiceUser, CancellationToken ct)
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
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish within {CommandTimeout.TotalSeconds:0} s:\n{output}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        }
    }
}
