using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace StatefulSpot.Emulator.Bench;

/// <summary>
/// The baseline: a Kestrel endpoint that answers every Describe call with a response body captured from the emulator
/// for the same request kind. Measuring the same mix against it gives the ceiling of the SDK client, Kestrel and
/// loopback HTTP on this machine, i.e. what is left for the emulator's own work.
/// </summary>
internal sealed class CannedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, byte[]> _bodies;

    private CannedServer(WebApplication app, Dictionary<string, byte[]> bodies, Uri url)
    {
        _app = app;
        _bodies = bodies;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Captures one response per (API, kind) from the emulator and serves them.</summary>
    public static async Task<CannedServer> StartAsync(Uri emulator, SeededWorld world, BenchOptions options, CancellationToken ct)
    {
        var bodies = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var http = new HttpClient { BaseAddress = emulator })
        {
            var instanceIds = world.InstanceIds.Take(3).Select((id, i) => $"InstanceId.{i + 1}={id}");
            var volumeIds = world.VolumeIds.Take(3).Select((id, i) => $"VolumeId.{i + 1}={id}");
            var tag = "Filter.1.Name=tag%3Agroup&Filter.1.Value.1=" + Seeder.Group(0);
            var page = "MaxResults=" + options.PageSize;
            bodies[Key(Apis.DescribeInstances, RequestKind.ById)] = await CaptureAsync(http, Apis.DescribeInstances, string.Join('&', instanceIds), ct).ConfigureAwait(false);
            bodies[Key(Apis.DescribeInstances, RequestKind.ByTag)] = await CaptureAsync(http, Apis.DescribeInstances, tag, ct).ConfigureAwait(false);
            bodies[Key(Apis.DescribeInstances, RequestKind.Paged)] = await CaptureAsync(http, Apis.DescribeInstances, page, ct).ConfigureAwait(false);
            bodies[Key(Apis.DescribeVolumes, RequestKind.ById)] = await CaptureAsync(http, Apis.DescribeVolumes, string.Join('&', volumeIds), ct).ConfigureAwait(false);
            bodies[Key(Apis.DescribeVolumes, RequestKind.ByTag)] = await CaptureAsync(http, Apis.DescribeVolumes, tag, ct).ConfigureAwait(false);
            bodies[Key(Apis.DescribeVolumes, RequestKind.Paged)] = await CaptureAsync(http, Apis.DescribeVolumes, page, ct).ConfigureAwait(false);
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.MapPost("/", async context =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var kind = form.Keys.Any(k => k.StartsWith("InstanceId.", StringComparison.Ordinal) || k.StartsWith("VolumeId.", StringComparison.Ordinal))
                ? RequestKind.ById
                : form.ContainsKey("MaxResults") ? RequestKind.Paged : RequestKind.ByTag;
            var body = bodies[Key(form["Action"].ToString(), kind)];
            context.Response.ContentType = "text/xml;charset=UTF-8";
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CannedServer(app, bodies, new Uri(address + "/"));
    }

    /// <summary>Sizes of the captured bodies, e.g. for the report.</summary>
    public string Sizes => string.Join(", ", _bodies.Select(b => $"{b.Key} {b.Value.Length / 1024.0:F0} KiB"));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static string Key(string api, RequestKind kind) => api + "/" + kind;

    private static async Task<byte[]> CaptureAsync(HttpClient http, string action, string parameters, CancellationToken ct)
    {
        using var content = new StringContent($"Action={action}&Version=2016-11-15&{parameters}", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var response = await http.PostAsync(new Uri("/", UriKind.Relative), content, ct).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
    }
}
