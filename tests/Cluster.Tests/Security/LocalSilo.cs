using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StatefulSpot.Cluster.Tests.MultiProcess;
using StatefulSpot.Emulator;
using StatefulSpot.Silo.Hosting;

namespace StatefulSpot.Cluster.Tests.Security;

/// <summary>
/// A local-mode silo built in-process exactly as Program.cs builds it (<see cref="StatefulSpotHostOptions.Bind"/>, then
/// <see cref="SiloHost.Build"/>) from <c>StatefulSpot:*</c> settings, on free ports, with the emulator in-process.
/// </summary>
public sealed class LocalSilo : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly AwsEmulator _emulator;
    private readonly string _dataDirectory;

    private LocalSilo(AwsEmulator emulator, string dataDirectory, WebApplication app, StatefulSpotHostOptions host, LogRecorder logs)
    {
        Logs = logs;
        _emulator = emulator;
        _dataDirectory = dataDirectory;
        App = app;
        Host = host;
    }

    public WebApplication App { get; }

    public StatefulSpotHostOptions Host { get; }

    /// <summary>The silo's warnings and errors.</summary>
    public LogRecorder Logs { get; }

    /// <summary>The web host's base URL on 127.0.0.1, whatever address it listens on.</summary>
    public string WebUrl
    {
        get
        {
            var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return $"http://127.0.0.1:{new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port}";
        }
    }

    /// <summary>
    /// Binds <paramref name="settings"/> (keys without the <c>StatefulSpot:</c> prefix, over test defaults: loopback web
    /// host on a free port, free silo and gateway ports, a cluster id of its own), checks them and starts the silo.
    /// </summary>
    public static async Task<LocalSilo> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var emulator = await AwsEmulator.StartAsync(new EmulatorOptions { TimeScale = 0.01 });
        var dataDirectory = Directory.CreateTempSubdirectory("statefulspot-security-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        var values = new Dictionary<string, string?>
        {
            ["StatefulSpot:DashboardUrl"] = "http://127.0.0.1:0",
            ["StatefulSpot:SiloPort"] = SiloProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["StatefulSpot:GatewayPort"] = SiloProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["StatefulSpot:ClusterId"] = "security-" + Guid.NewGuid().ToString("N"),
            ["StatefulSpot:DataDirectory"] = dataDirectory,
            ["StatefulSpot:Reconciler:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            values["StatefulSpot:" + key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        var (host, problems) = StatefulSpotHostOptions.Bind(builder.Configuration);
        if (problems.Count > 0)
        {
            await emulator.DisposeAsync();
            Assert.Fail(string.Join("\n", problems));
        }

        var logs = new LogRecorder();
        builder.Logging.AddProvider(logs);
        var silo = new LocalSilo(emulator, dataDirectory, SiloHost.Build(builder, host, SiloHostMode.Local(host, dataDirectory, emulator, "us-east-1")), host, logs);
        try
        {
            await silo.App.StartAsync().WaitAsync(Patience);
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    public IPEndPoint Gateway => new(IPAddress.Loopback, Host.GatewayPort);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync().WaitAsync(Patience);
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            // A silo that never started has nothing to stop.
        }

        await App.DisposeAsync();
        await _emulator.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold its file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
