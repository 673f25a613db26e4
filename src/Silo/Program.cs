using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StatefulSpot.Client;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Ec2.Gateway;
using StatefulSpot.Silo.Demo;
using StatefulSpot.Silo.Hosting;
using StatefulSpot.Silo.Storage;

namespace StatefulSpot.Silo;

/// <summary>
/// <c>StatefulSpot.Silo [--demo [--keep-running]]</c> runs a silo in the configured mode;
/// <c>StatefulSpot.Silo schema apply</c> creates or upgrades the PostgreSQL schema of cluster mode and exits.
/// Exit codes: 0 done, 1 failed at run time, 2 bad configuration or arguments.
/// </summary>
public static partial class Program
{
    private const string DemoSwitch = "--demo";
    private const string KeepRunningSwitch = "--keep-running";

    public static async Task<int> Main(string[] args)
    {
        var demo = args.Contains(DemoSwitch);
        var keepRunning = args.Contains(KeepRunningSwitch);
        var command = args.TakeWhile(a => !a.StartsWith('-')).ToArray();
        var builder = WebApplication.CreateBuilder([.. args.Skip(command.Length).Where(a => a is not (DemoSwitch or KeepRunningSwitch))]);

        if (command.Length > 0)
        {
            return command is ["schema", "apply"]
                ? await ApplySchemaAsync(builder.Configuration)
                : await FailAsync($"unknown command '{string.Join(' ', command)}'. The only command is 'schema apply'.");
        }

        var (host, problems) = StatefulSpotHostOptions.Bind(builder.Configuration);
        if (problems.Count > 0)
        {
            return await FailAsync(string.Join(" ", problems));
        }

        return host.Mode switch
        {
            HostMode.Cluster when demo => await FailAsync($"{DemoSwitch} runs only in local mode: it needs the in-process emulator."),
            HostMode.Cluster => await RunClusterAsync(builder, host),
            _ => await RunLocalAsync(builder, host, demo, keepRunning),
        };
    }

    private static async Task<int> RunLocalAsync(WebApplicationBuilder builder, StatefulSpotHostOptions host, bool demo, bool keepRunning)
    {
        var dataDirectory = Path.GetFullPath(host.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var emulatorOptions = new EmulatorOptions { TimeScale = 0.1, StateFile = Path.Combine(dataDirectory, "emulator-world.json") };
        builder.Configuration.GetSection($"{StatefulSpotHostOptions.Section}:{EmulatorOptions.SectionName}").Bind(emulatorOptions);
        await using var emulator = await AwsEmulator.StartAsync(emulatorOptions);
        UseEmulatorBudget(builder.Configuration, emulatorOptions);

        var app = SiloHost.Build(builder, host, SiloHostMode.Local(host, dataDirectory, emulator, emulatorOptions.Region));
        if (await StartAsync(app, host) is { } failed)
        {
            return failed;
        }
        Console.WriteLine($"StatefulSpot (local mode) is up. Dashboard: {host.DashboardUrl}  EC2/SQS emulator: {emulator.ServiceUrl}  Data: {dataDirectory}");

        var exitCode = 0;
        if (demo)
        {
            var client = app.Services.GetRequiredService<StatefulSpotClient>();
            exitCode = await InterruptionDemo.RunAsync(client, emulator, Console.Out, app.Lifetime.ApplicationStopping);
            if (!keepRunning)
            {
                await app.StopAsync();
                return exitCode;
            }
        }

        await app.WaitForShutdownAsync();
        return exitCode;
    }

    /// <summary>
    /// The in-process emulator refills its EC2 buckets on its compressed clock: unless configured, the gateway's budget
    /// is multiplied to match, so that local mode keeps AWS's physics at any time scale.
    /// </summary>
    private static void UseEmulatorBudget(IConfiguration configuration, EmulatorOptions emulator)
    {
        var key = $"{Ec2GatewayOptions.Section}:{nameof(Ec2GatewayOptions.BudgetMultiplier)}";
        if (configuration[key] is null && emulator.Throttling.RefillOnSimulatedClock && emulator.TimeScale < 1)
        {
            var multiplier = emulator.TimeScale > 0 ? Math.Min(10_000, 1 / emulator.TimeScale) : 10_000;
            configuration[key] = multiplier.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static async Task<int> RunClusterAsync(WebApplicationBuilder builder, StatefulSpotHostOptions host)
    {
        var connectionString = host.ConnectionString!;
        var app = SiloHost.Build(builder, host, SiloHostMode.Cluster(host, builder.Configuration));
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Program));
        var database = DescribeDatabase(connectionString);
        try
        {
            await PostgresSchema.ApplyAsync(connectionString, app.Lifetime.ApplicationStopping);
            LogSchemaApplied(logger, database);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            LogSchemaFailed(logger, exception, database);
            await Console.Error.WriteLineAsync($"StatefulSpot cannot start: the PostgreSQL schema could not be applied to {database} "
                + $"(check {StatefulSpotHostOptions.Section}:ConnectionString): {exception.Message}");
            return 1;
        }

        if (await StartAsync(app, host) is { } failed)
        {
            return failed;
        }

        if (!host.Tls.IsEnabled)
        {
            LogClusterWithoutTls(logger, host.SiloListenIPAddress.ToString(), host.SiloPort, host.GatewayListenIPAddress.ToString(), host.GatewayPort);
        }

        Console.WriteLine($"StatefulSpot (cluster mode) is up. Cluster: {host.ClusterId}  Silo port: {host.SiloPort}  Gateway port: {host.GatewayPort}  "
            + $"TLS: {(host.Tls.IsEnabled ? "mutual" : "off")}  Dashboard: {host.DashboardUrl}  Database: {database}");
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>Starts the host; a port in use or an address this host lacks is a clear sentence and exit code 2, not an unhandled exception.</summary>
    private static async Task<int?> StartAsync(WebApplication app, StatefulSpotHostOptions host)
    {
        try
        {
            await app.StartAsync();
            return null;
        }
        catch (Exception exception) when ((PortInUse.Explain(exception, host) ?? AddressNotAvailable.Explain(exception, host)) is { } explained)
        {
            await Console.Error.WriteLineAsync("StatefulSpot cannot start: " + explained);
            await app.DisposeAsync();
            return 2;
        }
    }

    /// <summary><c>schema apply</c>: needs only <c>StatefulSpot:ConnectionString</c>.</summary>
    private static async Task<int> ApplySchemaAsync(IConfiguration configuration)
    {
        var key = $"{StatefulSpotHostOptions.Section}:{nameof(StatefulSpotHostOptions.ConnectionString)}";
        var connectionString = configuration[key];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return await FailAsync($"{key} is required for 'schema apply' (or set StatefulSpot__ConnectionString).");
        }

        if (!PostgresConnectionString.TryParse(connectionString, out var error))
        {
            return await FailAsync($"{key} is not a valid PostgreSQL connection string: {error}");
        }

        var database = DescribeDatabase(connectionString);
        try
        {
            await PostgresSchema.ApplyAsync(connectionString);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"The PostgreSQL schema could not be applied to {database}: {exception.Message}");
            return 1;
        }

        Console.WriteLine($"The StatefulSpot PostgreSQL schema is in place in {database}.");
        return 0;
    }

    /// <summary>host:port/database, never the password.</summary>
    private static string DescribeDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
    }

    private static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync("StatefulSpot cannot start: " + message);
        return 2;
    }

    [LoggerMessage(1, LogLevel.Information, "PostgreSQL schema is in place in {Database}")]
    private static partial void LogSchemaApplied(ILogger logger, string database);

    [LoggerMessage(2, LogLevel.Error, "PostgreSQL schema could not be applied to {Database}")]
    private static partial void LogSchemaFailed(ILogger logger, Exception exception, string database);

    [LoggerMessage(3, LogLevel.Warning, "Cluster mode without TLS: whoever reaches {SiloAddress}:{SiloPort} or {GatewayAddress}:{GatewayPort} and knows the "
        + "cluster id can join the cluster or call every grain; set StatefulSpot:Tls (README: Security)")]
    private static partial void LogClusterWithoutTls(ILogger logger, string siloAddress, int siloPort, string gatewayAddress, int gatewayPort);
}
