using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;
using StatefulSpot.Client;
using StatefulSpot.Emulator;
using StatefulSpot.Grains;
using StatefulSpot.Silo.Demo;
using StatefulSpot.Silo.Hosting;
using StatefulSpot.Silo.Storage;

namespace StatefulSpot.Silo;

public static class Program
{
    private const string DemoSwitch = "--demo";
    private const string KeepRunningSwitch = "--keep-running";

    public static async Task<int> Main(string[] args)
    {
        var demo = args.Contains(DemoSwitch);
        var keepRunning = args.Contains(KeepRunningSwitch);
        var builder = WebApplication.CreateBuilder([.. args.Where(a => a is not (DemoSwitch or KeepRunningSwitch))]);

        var host = builder.Configuration.GetSection(StatefulSpotHostOptions.Section).Get<StatefulSpotHostOptions>() ?? new();
        var problems = host.Validate();
        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync("StatefulSpot cannot start: " + string.Join(" ", problems));
            return 2;
        }

        var dataDirectory = Path.GetFullPath(host.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var emulatorOptions = new EmulatorOptions { TimeScale = 0.1, StateFile = Path.Combine(dataDirectory, "emulator-world.json") };
        builder.Configuration.GetSection($"{StatefulSpotHostOptions.Section}:{EmulatorOptions.SectionName}").Bind(emulatorOptions);
        await using var emulator = await AwsEmulator.StartAsync(emulatorOptions);

        builder.WebHost.UseUrls(host.DashboardUrl);
        builder.Services.AddAwsClientsForEndpoint(emulator.ServiceUrl, emulatorOptions.Region);
        builder.Services.AddStatefulSpotClient();
        builder.AddStatefulSpotTelemetry(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(host.SiloPort, host.GatewayPort, serviceId: host.ServiceId, clusterId: host.ClusterId);
            silo.AddSqliteGrainStorage(StorageNames.Instances, Path.Combine(dataDirectory, "statefulspot.db"));
            silo.UseInMemoryReminderService();
            silo.AddStatefulSpot(emulator.EventQueueUrl, builder.Configuration);
            silo.AddDashboard();
        });

        var app = builder.Build();
        app.MapOrleansDashboard();
        app.MapStatefulSpotHealth();
        await app.StartAsync();
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
}
