using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using StatefulSpot.Cluster.Tests.MultiProcess;
using StatefulSpot.Silo.Hosting;

namespace StatefulSpot.Cluster.Tests.Security;

/// <summary>A local-mode silo whose web host listens on every address (as in the container image), with two keys.</summary>
public sealed class ExposedWebHostFixture : IAsyncLifetime
{
    public const string Key = "0123456789abcdef0123456789abcdef-first";
    public const string RotatedKey = "fedcba9876543210fedcba9876543210-second";

    public LocalSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() => Silo = await LocalSilo.StartAsync(new Dictionary<string, string?>
    {
        ["DashboardUrl"] = "http://0.0.0.0:0",
        ["WebAuth:ApiKeys:0"] = Key,
        ["WebAuth:ApiKeys:1"] = RotatedKey,
    });

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

/// <summary>
/// The web host on a non-loopback address: the dashboard, its log stream and grain state, and /metrics answer 401 with a
/// challenge unless a configured key comes as a Bearer token or a Basic password; the health endpoints stay open.
/// </summary>
public sealed class WebAuthTests(ExposedWebHostFixture fixture) : IClassFixture<ExposedWebHostFixture>
{
    /// <summary>The dashboard page, its data (counters, grain state), its live log stream, and the Prometheus endpoint.</summary>
    public static TheoryData<string> GuardedPaths => ["/", "/DashboardCounters", "/GrainState?grainId=x&grainType=y", "/Trace", "/metrics"];

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Theory]
    [MemberData(nameof(GuardedPaths))]
    public async Task WithoutAKey_APage_Is401_WithAChallengeABrowserAnswers(string path)
    {
        using var response = await _http.GetAsync(fixture.Silo.WebUrl + path, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic" && h.Parameter!.Contains("realm=\"StatefulSpot\"", StringComparison.Ordinal));
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [InlineData("Bearer", "0123456789abcdef0123456789abcdef-firsT")]
    [InlineData("Bearer", "0123456789abcdef0123456789abcdef-firs")]
    [InlineData("Basic", "0123456789abcdef0123456789abcdef-secon")]
    [InlineData("Token", ExposedWebHostFixture.Key)]
    public async Task AWrongKey_OrAnUnknownScheme_Is401(string scheme, string key)
    {
        using var response = await SendAsync("/metrics", scheme, key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("Bearer", ExposedWebHostFixture.Key)]
    [InlineData("Basic", ExposedWebHostFixture.RotatedKey)]
    public async Task WithAKey_TheDashboardAndMetrics_AreServed(string scheme, string key)
    {
        using var page = await SendAsync("/", scheme, key);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        using var counters = await SendAsync("/DashboardCounters", scheme, key);
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);

        using var metrics = await SendAsync("/metrics", scheme, key);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task TheHealthEndpoints_StayOpen_ForLoadBalancers(string path)
    {
        using var response = await _http.GetAsync(fixture.Silo.WebUrl + path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void AnExposedDashboardUrl_WithoutKeys_IsRefused_SayingWhatToSet()
    {
        var problems = Bind(new() { ["StatefulSpot:DashboardUrl"] = "http://0.0.0.0:8080" });

        var problem = Assert.Single(problems);
        Assert.StartsWith("StatefulSpot:DashboardUrl http://0.0.0.0:8080 is not a loopback address", problem, StringComparison.Ordinal);
        Assert.Contains("StatefulSpot__WebAuth__ApiKeys__0", problem, StringComparison.Ordinal);
        Assert.Contains("StatefulSpot:WebAuth:AllowAnonymous=true", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080")]
    [InlineData("http://[::1]:5080")]
    public void ALoopbackDashboardUrl_NeedsNoKey(string url)
    {
        Assert.Empty(Bind(new() { ["StatefulSpot:DashboardUrl"] = url }));
    }

    [Fact]
    public void AllowAnonymous_LetsAnExposedWebHostStart_AsTheOperatorsExplicitChoice()
    {
        Assert.Empty(Bind(new() { ["StatefulSpot:DashboardUrl"] = "http://10.0.0.5:8080", ["StatefulSpot:WebAuth:AllowAnonymous"] = "true" }));
    }

    [Fact]
    public void AShortKey_IsRefused_NamingItsIndex()
    {
        var problems = Bind(new() { ["StatefulSpot:DashboardUrl"] = "http://0.0.0.0:8080", ["StatefulSpot:WebAuth:ApiKeys:0"] = "hunter2" });

        Assert.Contains(problems, p => p.StartsWith("StatefulSpot:WebAuth:ApiKeys:0 must be at least 32 characters", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSilo_WithAnExposedWebHostAndNoKey_ExitsWith2_NamingTheKey()
    {
        var (exitCode, output) = await SiloProcess.RunAsync(Path.GetTempPath(),
            ["--StatefulSpot:DashboardUrl=http://0.0.0.0:8080"], TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.Contains("StatefulSpot cannot start: StatefulSpot:DashboardUrl http://0.0.0.0:8080 is not a loopback address", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string scheme, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, fixture.Silo.WebUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme,
            scheme == "Basic" ? Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + key)) : key);
        return await _http.SendAsync(request);
    }

    private static IReadOnlyList<string> Bind(Dictionary<string, string?> values) =>
        StatefulSpotHostOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).Problems;
}
