using System.Net;
using System.Net.Sockets;
using Amazon.EC2.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using StatefulSpot.Emulator;
using StatefulSpot.Grains;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Silo.Hosting;

namespace StatefulSpot.Cluster.Tests.Telemetry;

/// <summary>
/// The silo's web host as Program.cs wires it (<c>AddStatefulSpotTelemetry</c>, <c>MapStatefulSpotHealth</c>), over real
/// HTTP: health endpoints before and after the silo is active, and the Prometheus scraping endpoint.
/// </summary>
public sealed class SiloWebEndpointTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private AwsEmulator _emulator = null!;
    private WebApplication? _app;

    public async Task InitializeAsync() => _emulator = await AwsEmulator.StartAsync(new EmulatorOptions { TimeScale = 0.01 });

    [Fact]
    public async Task Ready_Is503UntilTheSiloIsActive_Then200_WhileLiveIs200Throughout()
    {
        var gate = new ActivationGate();
        _app = Build(silo =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Instances);
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(gate);
        });

        // The web host starts first; the silo then stops at the gate, before it joins the membership as Active.
        var starting = _app.StartAsync();
        await gate.Reached.WaitAsync(Patience);
        var baseUrl = await WaitForAddressAsync(_app);

        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(baseUrl + StatefulSpotTelemetryExtensions.LivePath)).StatusCode);
        var notReady = await _http.GetAsync(baseUrl + StatefulSpotTelemetryExtensions.ReadyPath);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("Unhealthy", await notReady.Content.ReadAsStringAsync());

        gate.Open();
        await starting.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(baseUrl + StatefulSpotTelemetryExtensions.ReadyPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(baseUrl + StatefulSpotTelemetryExtensions.LivePath)).StatusCode);
    }

    [Fact]
    public async Task Ready_Is503WhenTheGrainStorageFails_WhileLiveIs200()
    {
        _app = Build(silo => silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Instances, new UnreachableStorage()));
        await _app.StartAsync().WaitAsync(Patience);
        var baseUrl = await WaitForAddressAsync(_app);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _http.GetAsync(baseUrl + StatefulSpotTelemetryExtensions.ReadyPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(baseUrl + StatefulSpotTelemetryExtensions.LivePath)).StatusCode);
    }

    [Fact]
    public async Task Metrics_ServesPrometheusText_WithTheStatefulSpotEc2CallCounter()
    {
        _app = Build(silo => silo.AddMemoryGrainStorage(StorageNames.Instances));
        await _app.StartAsync().WaitAsync(Patience);
        var baseUrl = await WaitForAddressAsync(_app);

        // An EC2 call through the silo's own IEc2Api (the instrumented one).
        await _app.Services.GetRequiredService<IEc2Api>().DescribeSubnetsAsync(new DescribeSubnetsRequest(), CancellationToken.None);

        var response = await _http.GetAsync(baseUrl + StatefulSpotTelemetryExtensions.MetricsPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE statefulspot_ec2_calls_total counter", text);
        Assert.Matches("""statefulspot_ec2_calls_total\{[^}]*action="DescribeSubnets"[^}]*outcome="ok"[^}]*\} 1""", text);
        Assert.Contains("statefulspot_ec2_call_duration_seconds_bucket", text);
    }

    private WebApplication Build(Action<ISiloBuilder> storage)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAwsClientsForEndpoint(_emulator.ServiceUrl, "us-east-1");
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "telemetry-tests", clusterId: Guid.NewGuid().ToString("N"));
            silo.UseInMemoryReminderService();
            storage(silo);
            silo.AddStatefulSpot(_emulator.EventQueueUrl, builder.Configuration);
        });
        builder.AddStatefulSpotTelemetry(builder.Configuration);
        var app = builder.Build();
        app.MapStatefulSpotHealth();
        return app;
    }

    private static async Task<string> WaitForAddressAsync(WebApplication app)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => !a.EndsWith(":0", StringComparison.Ordinal)) is { } address)
            {
                return address.TrimEnd('/');
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the web host did not start listening");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    /// <summary>Holds silo start-up just before the silo becomes Active in the membership, until opened.</summary>
    private sealed class ActivationGate : ILifecycleParticipant<ISiloLifecycle>
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public void Open() => _open.TrySetResult();

        public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(ActivationGate), ServiceLifecycleStage.ApplicationServices, _ =>
        {
            _reached.TrySetResult();
            return _open.Task;
        });
    }

    /// <summary>A grain storage whose backend cannot be reached.</summary>
    private sealed class UnreachableStorage : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Unreachable();

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Unreachable();

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Unreachable();

        private static Task Unreachable() => Task.FromException(new SocketException((int)SocketError.ConnectionRefused));
    }
}
