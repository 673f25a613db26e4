using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StatefulSpot.Emulator.Hosting;

namespace StatefulSpot.Emulator;

/// <summary>
/// An AWS-wire-compatible EC2 (Query/XML) and SQS (JSON 1.0) endpoint on one HTTP port, with its own Kestrel server.
/// Point both <c>AmazonEC2Config.ServiceURL</c> and <c>AmazonSQSConfig.ServiceURL</c> at <see cref="ServiceUrl"/>.
/// Disposing stops the server and, with <see cref="EmulatorOptions.StateFile"/>, saves the world.
/// </summary>
public sealed partial class AwsEmulator : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly EmulatorRuntime _runtime;
    private readonly ILogger _logger;
    private int _disposed;

    private AwsEmulator(WebApplication app, EmulatorRuntime runtime, EmulatorOptions options, Uri serviceUrl, ILogger logger)
    {
        _app = app;
        _runtime = runtime;
        _logger = logger;
        Options = options;
        ServiceUrl = serviceUrl;
        EventQueueUrl = runtime.QueueUrl(serviceUrl.ToString(), options.EventQueueName);
    }

    /// <summary>The world the emulator runs (the default world or <see cref="EmulatorOptions.WorldFile"/>), with prices.</summary>
    public WorldDefinition World => _runtime.World;

    /// <summary>The emulator's base URL, e.g. <c>http://127.0.0.1:54321/</c> (EC2 and SQS both live at its root).</summary>
    public Uri ServiceUrl { get; }

    /// <summary>URL of the queue that receives the EventBridge-shaped EC2 events (<see cref="EmulatorOptions.EventQueueName"/>).</summary>
    public string EventQueueUrl { get; }

    /// <summary>The options the emulator runs with.</summary>
    public EmulatorOptions Options { get; }

    /// <summary>Starts an emulator on <paramref name="url"/> (port 0 picks a free port) with no logging.</summary>
    public static Task<AwsEmulator> StartAsync(EmulatorOptions options, string url = "http://127.0.0.1:0", CancellationToken ct = default) =>
        StartAsync(options, NullLoggerFactory.Instance, TimeProvider.System, url, ct);

    /// <summary>Starts an emulator that logs through <paramref name="loggerFactory"/> and reads time from <paramref name="timeProvider"/>.</summary>
    public static Task<AwsEmulator> StartAsync(
        EmulatorOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider, string url = "http://127.0.0.1:0",
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);

        // An empty builder: the emulator must not pick up the hosting application's configuration (Kestrel endpoints, URLs).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(AwsEmulator).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().UseUrls(url);
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        return StartAsync(builder, options, timeProvider, ct);
    }

    /// <summary>Starts the emulator on a builder already configured by the caller (the standalone host).</summary>
    internal static async Task<AwsEmulator> StartAsync(
        WebApplicationBuilder builder, EmulatorOptions options, TimeProvider timeProvider, CancellationToken ct)
    {
        options.Validate();
        var app = builder.Build();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger<AwsEmulator>();
        EmulatorRuntime? runtime = null;
        try
        {
            runtime = new EmulatorRuntime(options, timeProvider, loggers);
            EmulatorEndpoints.Map(app, runtime);
            await app.StartAsync(ct).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("The emulator's server reported no listening address.");
            var emulator = new AwsEmulator(app, runtime, options, ClientUrl(address), logger);
            if (runtime.Loaded)
            {
                LogStateLoaded(logger, options.StateFile!);
            }

            LogListening(logger, emulator.ServiceUrl, emulator.EventQueueUrl, options.Region, options.TimeScale);
            return emulator;
        }
        catch
        {
            runtime?.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C / SIGTERM for the standalone emulator).</summary>
    internal Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _runtime.BeginStop();
        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        _runtime.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
        LogStopped(_logger, ServiceUrl);
    }

    /// <summary>A wildcard bind address becomes an address clients can use.</summary>
    private static Uri ClientUrl(string address)
    {
        var uri = new UriBuilder(address.Replace("://+:", "://localhost:", StringComparison.Ordinal)
            .Replace("://*:", "://localhost:", StringComparison.Ordinal));
        uri.Host = uri.Host switch
        {
            "0.0.0.0" => "127.0.0.1",
            "[::]" or "::" => "[::1]",
            _ => uri.Host,
        };
        uri.Path = "/";
        return uri.Uri;
    }
}
