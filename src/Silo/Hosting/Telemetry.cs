using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;
using StatefulSpot.Grains.Telemetry;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Silo.Hosting;

/// <summary>Telemetry settings, bound from <see cref="Section"/>.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "StatefulSpot:Telemetry";

    /// <summary>OTLP endpoint (e.g. http://collector:4317, gRPC) for traces and metrics. Default: none (also when empty), no OTLP export.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The OTLP endpoint, or null when none is set.</summary>
    public Uri? OtlpUri => string.IsNullOrWhiteSpace(OtlpEndpoint) ? null : new Uri(OtlpEndpoint);

    /// <summary>Serve the metrics in Prometheus text format at <see cref="StatefulSpotTelemetryExtensions.MetricsPath"/> on the silo's web host. Default true.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>The OpenTelemetry <c>service.name</c>. Default <c>statefulspot-silo</c>.</summary>
    public string ServiceName { get; set; } = "statefulspot-silo";

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) && (!Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            problems.Add($"{Section}:OtlpEndpoint must be an http(s) URL such as http://otel-collector:4317, or unset.");
        }

        if (string.IsNullOrWhiteSpace(ServiceName))
        {
            problems.Add($"{Section}:ServiceName must not be empty.");
        }

        return problems;
    }
}

/// <summary>OpenTelemetry metrics and traces, the Prometheus scraping endpoint, and the health endpoints of a silo's web host.</summary>
public static class StatefulSpotTelemetryExtensions
{
    public const string MetricsPath = "/metrics";
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    private const string ReadyTag = "ready";

    /// <summary>
    /// Metrics of the meters <c>StatefulSpot</c>, <c>StatefulSpot.Streaming.Sqs</c> and <c>Microsoft.Orleans</c>, the .NET
    /// runtime, HttpClient and ASP.NET Core; traces of <c>StatefulSpot</c>, Orleans grain calls, HttpClient and ASP.NET
    /// Core; exported over OTLP when <see cref="TelemetryOptions.OtlpEndpoint"/> is set, metrics also at
    /// <see cref="MetricsPath"/> unless <see cref="TelemetryOptions.Prometheus"/> is false. Registers the readiness check, and starts the web host alongside the silo rather than after it.
    /// </summary>
    public static WebApplicationBuilder AddStatefulSpotTelemetry(this WebApplicationBuilder builder, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new();
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("StatefulSpot cannot start: " + string.Join(" ", problems));
        }

        var otlp = options.OtlpUri;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(StatefulSpotMetrics.MeterName, SqsStreamTelemetry.MeterName, "Microsoft.Orleans")
                    .AddRuntimeInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddAspNetCoreInstrumentation();
                if (options.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }

                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(StatefulSpotMetrics.ActivitySourceName, ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.RuntimeActivitySourceName)
                .AddHttpClientInstrumentation()
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                .AddOtlpExporter(o => o.Endpoint = otlp));
        }

        if (options.Prometheus)
        {
            builder.Services.AddSingleton<IStartupFilter, PrometheusEndpointStartupFilter>();
        }

        builder.Services.AddHealthChecks().AddCheck<SiloReadinessCheck>("silo", tags: [ReadyTag]);

        // The web host would otherwise start only after the silo has joined the cluster: start both at once, so that
        // while the silo starts, /health/live already says the process is up and /health/ready says "not yet" (503).
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        return builder;
    }

    /// <summary>
    /// <see cref="LivePath"/>: 200 while the process serves HTTP. <see cref="ReadyPath"/>: 200 once the silo is Active in
    /// the cluster membership and its grain storage answers, 503 before (and while it shuts down).
    /// </summary>
    public static WebApplication MapStatefulSpotHealth(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        return app;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>Puts the Prometheus scraping endpoint in front of the host's own pipeline (so Program.cs needs no line for it).</summary>
    private sealed class PrometheusEndpointStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(MetricsPath);
            next(app);
        };
    }
}
