using Microsoft.Extensions.Configuration;
using StatefulSpot.Cluster.Tests.MultiProcess;
using StatefulSpot.Silo.Hosting;

namespace StatefulSpot.Cluster.Tests.Hosting;

public sealed class HostOptionsValidationTests
{
    private static readonly Dictionary<string, string?> ValidCluster = new()
    {
        ["StatefulSpot:Mode"] = "cluster",
        ["StatefulSpot:ConnectionString"] = "Host=db;Database=statefulspot;Username=statefulspot;Password=secret",
        ["StatefulSpot:EventQueueUrl"] = "https://sqs.us-east-1.amazonaws.com/123456789012/statefulspot-events",
        ["StatefulSpot:Aws:Region"] = "us-east-1",
    };

    [Fact]
    public void Defaults_AreAValidLocalMode()
    {
        var (options, problems) = Bind([]);

        Assert.Empty(problems);
        Assert.Equal(HostMode.Local, options.Mode);
    }

    [Fact]
    public void ClusterMode_WithConnectionStringQueueAndRegion_IsValid_AndBindsEveryKey()
    {
        var (options, problems) = Bind(new(ValidCluster)
        {
            ["StatefulSpot:ClusterId"] = "prod",
            ["StatefulSpot:ServiceId"] = "spot",
            ["StatefulSpot:SiloPort"] = "11112",
            ["StatefulSpot:GatewayPort"] = "30001",
            ["StatefulSpot:AdvertisedAddress"] = "10.0.0.5",
            ["StatefulSpot:DashboardUrl"] = "http://0.0.0.0:8080",
            ["StatefulSpot:WebAuth:ApiKeys:0"] = "0123456789abcdef0123456789abcdef",
            ["StatefulSpot:SiloListenAddress"] = "10.0.0.5",
            ["StatefulSpot:GatewayListenAddress"] = "0.0.0.0",
            ["StatefulSpot:Aws:Ec2ServiceUrl"] = "http://emulator:4566",
            ["StatefulSpot:Aws:SqsServiceUrl"] = "http://emulator:4566",
        });

        Assert.Empty(problems);
        Assert.Equal(HostMode.Cluster, options.Mode);
        Assert.Equal(("prod", "spot", 11112, 30001, "10.0.0.5"), (options.ClusterId, options.ServiceId, options.SiloPort, options.GatewayPort, options.AdvertisedAddress));
        Assert.Equal(("us-east-1", "http://emulator:4566", "http://emulator:4566"), (options.Aws.Region, options.Aws.Ec2ServiceUrl, options.Aws.SqsServiceUrl));
        Assert.Equal(("10.0.0.5", "0.0.0.0"), (options.SiloListenAddress, options.GatewayListenAddress));
        Assert.Equal(["0123456789abcdef0123456789abcdef"], options.WebAuth.ApiKeys);
    }

    [Theory]
    [InlineData("StatefulSpot:ConnectionString", "StatefulSpot:ConnectionString is required when StatefulSpot:Mode is cluster")]
    [InlineData("StatefulSpot:EventQueueUrl", "StatefulSpot:EventQueueUrl is required when StatefulSpot:Mode is cluster")]
    [InlineData("StatefulSpot:Aws:Region", "StatefulSpot:Aws:Region is required when StatefulSpot:Mode is cluster")]
    public void ClusterMode_WithoutARequiredKey_NamesIt(string key, string expected)
    {
        var (_, problems) = Bind(new(ValidCluster) { [key] = null });

        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("StatefulSpot:ConnectionString", "Hots=db", "StatefulSpot:ConnectionString is not a valid PostgreSQL connection string")]
    [InlineData("StatefulSpot:EventQueueUrl", "statefulspot-events", "StatefulSpot:EventQueueUrl must be an http(s) URL")]
    [InlineData("StatefulSpot:Aws:Ec2ServiceUrl", "emulator:4566", "StatefulSpot:Aws:Ec2ServiceUrl must be an http(s) URL")]
    [InlineData("StatefulSpot:Aws:SqsServiceUrl", "ftp://emulator", "StatefulSpot:Aws:SqsServiceUrl must be an http(s) URL")]
    [InlineData("StatefulSpot:AdvertisedAddress", "not an address", "StatefulSpot:AdvertisedAddress must be an IP address or a host name")]
    [InlineData("StatefulSpot:GatewayPort", "11111", "StatefulSpot:SiloPort and StatefulSpot:GatewayPort must be two different ports")]
    [InlineData("StatefulSpot:ClusterId", " ", "StatefulSpot:ClusterId must not be empty")]
    [InlineData("StatefulSpot:ClusterId", "prod\u0007east", "StatefulSpot:ClusterId is tagged on every instance")]
    [InlineData("StatefulSpot:DashboardUrl", "localhost:5080", "StatefulSpot:DashboardUrl must be an http(s) URL")]
    [InlineData("StatefulSpot:Mode", "kubernetes", "StatefulSpot:Mode must be 'local' or 'cluster', not 'kubernetes'")]
    [InlineData("StatefulSpot:SiloPort", "eleven", "StatefulSpot:SiloPort")]
    public void ABadValue_IsReportedWithItsKey(string key, string value, string expected)
    {
        var (_, problems) = Bind(new(ValidCluster) { [key] = value });

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void LocalMode_DoesNotNeedTheClusterKeys()
    {
        var (_, problems) = Bind(new() { ["StatefulSpot:Mode"] = "local", ["StatefulSpot:EventQueueUrl"] = "not used" });

        Assert.Empty(problems);
    }

    [Fact]
    public void AProblem_NeverEchoesThePassword()
    {
        var (_, problems) = Bind(new(ValidCluster) { ["StatefulSpot:ConnectionString"] = "Host=db;Password=hunter2;Bogus=1" });

        Assert.Contains(problems, p => p.StartsWith("StatefulSpot:ConnectionString is not a valid", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSilo_InClusterModeWithoutAConnectionString_ExitsWith2AndNamesTheKey()
    {
        var (exitCode, output) = await SiloProcess.RunAsync(Path.GetTempPath(),
            ["--StatefulSpot:Mode=cluster", "--StatefulSpot:EventQueueUrl=http://127.0.0.1:1/q", "--StatefulSpot:Aws:Region=us-east-1"],
            TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.Contains("StatefulSpot:ConnectionString is required when StatefulSpot:Mode is cluster", output);
    }

    [Fact]
    public async Task TheSilo_InClusterMode_RefusesTheDemo()
    {
        var (exitCode, output) = await SiloProcess.RunAsync(Path.GetTempPath(), ["--demo", .. ValidCluster.Select(kv => $"--{kv.Key}={kv.Value}")],
            TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.Contains("--demo runs only in local mode", output);
    }

    private static (StatefulSpotHostOptions Options, IReadOnlyList<string> Problems) Bind(Dictionary<string, string?> values) =>
        StatefulSpotHostOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
}
