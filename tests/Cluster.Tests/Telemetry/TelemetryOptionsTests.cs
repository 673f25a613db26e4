using Microsoft.Extensions.Configuration;
using StatefulSpot.Silo.Hosting;

namespace StatefulSpot.Cluster.Tests.Telemetry;

public sealed class TelemetryOptionsTests
{
    [Fact]
    public void Defaults_PrometheusOn_NoOtlp_ServiceNameStatefulSpotSilo()
    {
        var options = Bind([]);
        Assert.True(options.Prometheus);
        Assert.Null(options.OtlpUri);
        Assert.Equal("statefulspot-silo", options.ServiceName);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void EmptyOtlpEndpoint_MeansNone_AsAnUnsetComposeVariableGivesIt()
    {
        var options = Bind(new() { ["StatefulSpot:Telemetry:OtlpEndpoint"] = "" });
        Assert.Null(options.OtlpUri);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Settings_AreBoundFromStatefulSpotTelemetry()
    {
        var options = Bind(new()
        {
            ["StatefulSpot:Telemetry:OtlpEndpoint"] = "http://otel-collector:4317",
            ["StatefulSpot:Telemetry:Prometheus"] = "false",
            ["StatefulSpot:Telemetry:ServiceName"] = "spot-eu",
        });
        Assert.Equal(new Uri("http://otel-collector:4317"), options.OtlpUri);
        Assert.False(options.Prometheus);
        Assert.Equal("spot-eu", options.ServiceName);
    }

    [Fact]
    public void BadOtlpEndpoint_IsRejectedNamingTheKey()
    {
        var problem = Assert.Single(Bind(new() { ["StatefulSpot:Telemetry:OtlpEndpoint"] = "otel-collector:4317" }).Validate());
        Assert.Contains("StatefulSpot:Telemetry:OtlpEndpoint", problem);
    }

    private static TelemetryOptions Bind(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build()
            .GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
}
