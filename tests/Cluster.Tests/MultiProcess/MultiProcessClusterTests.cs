using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StatefulSpot.Client;
using StatefulSpot.Cluster.Tests.Postgres;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.MultiProcess;

/// <summary>
/// Cluster mode as it is deployed: two Silo processes (the built StatefulSpot.Silo.dll, configured only through
/// StatefulSpot__ environment variables) on one PostgreSQL database, the emulator standing in for AWS, and an external
/// .NET client that finds the gateways through PostgreSQL. One silo process is killed while recoveries run.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class MultiProcessClusterTests(PostgresServerFixture postgres) : IAsyncLifetime
{
    private const string ClusterId = "mp-cluster";
    private const string ServiceId = "statefulspot-mp";
    private const int ManagedInstances = 4;
    private static readonly TimeSpan StartPatience = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly string _workDirectory = Directory.CreateTempSubdirectory("statefulspot-mp-").FullName;
    private readonly List<SiloProcess> _silos = [];
    private readonly List<string> _webUrls = [];
    private AwsEmulator _emulator = null!;
    private IHost? _clientHost;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync("multiprocess");
        _emulator = await AwsEmulator.StartAsync(new EmulatorOptions { TimeScale = 0.05 });

        // Both start on an empty database at once: the schema is applied by whichever takes the lock first.
        _silos.Add(StartSilo());
        _silos.Add(StartSilo());
        await Task.WhenAll(_silos.Select(s => s.WaitForOutputAsync("StatefulSpot (cluster mode) is up", StartPatience)));

        _clientHost = new HostBuilder()
            .UseStatefulSpotClient(o =>
            {
                o.ConnectionString = _connectionString;
                o.ClusterId = ClusterId;
                o.ServiceId = ServiceId;
            })
            .Build();
        await _clientHost.StartAsync();
    }

    [Fact]
    public async Task SiloProcessKilledDuringRecoveries_EveryManagedInstanceEndsActiveWithItsVolumeAndIp()
    {
        var client = _clientHost!.Services.GetRequiredService<StatefulSpotClient>();
        var cluster = _clientHost.Services.GetRequiredService<IClusterClient>();
        var created = new List<ManagedInstanceView>();
        for (var i = 0; i < ManagedInstances; i++)
        {
            created.Add(await client.CreateAsync(InterruptionRecoveryTests.DatabaseSpec() with { Name = $"db-{i}" }));
        }

        var before = await Task.WhenAll(created.Select(mi => WaitAsync(client, mi.Id, v => v.Status != ManagedInstanceStatus.Creating)));
        Assert.All(before, v => Assert.True(v.Status == ManagedInstanceStatus.Active, $"{v.Id} ended creation in {v.Status}: {v.LastError}"));

        // Kill the silo process that hosts the most managed instances, once their recoveries are under way.
        var management = cluster.GetGrain<IManagementGrain>(0);
        var hosts = await Task.WhenAll(before.Select(v => management.GetActivationAddress(cluster.GetGrain<IManagedInstanceGrain>(v.Id)).AsTask()));
        var victimAddress = hosts.GroupBy(h => h).OrderByDescending(g => g.Count()).First().Key!;
        var victim = _silos.Single(s => s.Output.Contains($"Silo port: {victimAddress.Endpoint.Port} ", StringComparison.Ordinal));
        foreach (var view in before)
        {
            await _emulator.InterruptAsync(view.InstanceId!);
        }

        await WaitAsync(client, before[0].Id, v => v.Status == ManagedInstanceStatus.Recycling);
        victim.Kill();

        foreach (var old in before)
        {
            var after = await WaitAsync(client, old.Id, v => v.Generation > old.Generation && v.Status != ManagedInstanceStatus.Recycling);
            Assert.True(after.Status == ManagedInstanceStatus.Active, $"{old.Id} ended its recovery in {after.Status}: {after.LastError}");
            Assert.NotEqual(old.InstanceId, after.InstanceId);
            Assert.Equal(old.PrivateIp, after.PrivateIp);
            Assert.Equal(Assert.Single(old.Volumes).VolumeId, Assert.Single(after.Volumes).VolumeId);
            await AssertEc2HoldsAsync(after);
        }
    }

    [Fact]
    public async Task EachSiloProcess_ServesHealthMetricsAndTheDashboard_OnItsWebHost()
    {
        // Some EC2 calls first, so that StatefulSpot's own meter has something to show.
        var client = _clientHost!.Services.GetRequiredService<StatefulSpotClient>();
        await WaitAsync(client, (await client.CreateAsync(InterruptionRecoveryTests.DatabaseSpec())).Id, v => v.Status != ManagedInstanceStatus.Creating);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var allMetrics = new List<string>();
        foreach (var url in _webUrls)
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"{url}/health/live")).StatusCode);
            var ready = await http.GetAsync($"{url}/health/ready");
            Assert.True(ready.StatusCode == System.Net.HttpStatusCode.OK, $"{url}/health/ready answered {ready.StatusCode}: {await ready.Content.ReadAsStringAsync()}");
            var metrics = await http.GetStringAsync($"{url}/metrics");
            Assert.Contains("orleans_", metrics, StringComparison.Ordinal);
            allMetrics.Add(metrics);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"{url}/version")).StatusCode);
        }

        Assert.Equal(2, _webUrls.Count);
        Assert.Contains(allMetrics, m => m.Contains("statefulspot_ec2_calls_total", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TypedErrors_ReachTheExternalClient_AsTheSameTypeWithTheirMessage()
    {
        var client = _clientHost!.Services.GetRequiredService<StatefulSpotClient>();
        var spec = InterruptionRecoveryTests.DatabaseSpec();
        var twice = spec with
        {
            LaunchSpecification = spec.LaunchSpecification with
            {
                BlockDeviceMappings = [.. spec.LaunchSpecification.BlockDeviceMappings, .. spec.LaunchSpecification.BlockDeviceMappings],
            },
        };

        var invalid = await Assert.ThrowsAsync<InvalidSpecException>(() => client.CreateAsync(twice));
        Assert.Contains("Device name '/dev/sdf' is used twice", invalid.Message);
        Assert.Contains(invalid.Problems, p => p.Contains("/dev/sdf", StringComparison.Ordinal));

        var active = await WaitAsync(client, (await client.CreateAsync(spec)).Id, v => v.Status != ManagedInstanceStatus.Creating);
        var transition = await Assert.ThrowsAsync<InvalidTransitionException>(() => client.ResumeAsync(active.Id));
        Assert.Equal(ManagedInstanceStatus.Active, transition.Status);
        Assert.Equal($"Managed instance '{active.Id}' is Active; 'resume' is not allowed now.", transition.Message);
    }

    private string WebUrl()
    {
        var url = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        _webUrls.Add(url);
        return url;
    }

    private SiloProcess StartSilo()
    {
        var environment = new Dictionary<string, string>
        {
            ["StatefulSpot__Mode"] = "cluster",
            ["StatefulSpot__ConnectionString"] = _connectionString,
            ["StatefulSpot__ClusterId"] = ClusterId,
            ["StatefulSpot__ServiceId"] = ServiceId,
            ["StatefulSpot__SiloPort"] = SiloProcess.FreePort().ToString(),
            ["StatefulSpot__GatewayPort"] = SiloProcess.FreePort().ToString(),
            ["StatefulSpot__AdvertisedAddress"] = "127.0.0.1",
            ["StatefulSpot__DashboardUrl"] = WebUrl(),
            ["StatefulSpot__Aws__Region"] = "us-east-1",
            ["StatefulSpot__Aws__Ec2ServiceUrl"] = _emulator.ServiceUrl.ToString(),
            ["StatefulSpot__Aws__SqsServiceUrl"] = _emulator.ServiceUrl.ToString(),
            ["StatefulSpot__EventQueueUrl"] = _emulator.EventQueueUrl,
            ["StatefulSpot__Saga__PollInterval"] = "00:00:00.100",
            ["StatefulSpot__Saga__EventFallbackInterval"] = "00:00:00.500",
            ["StatefulSpot__Ec2__BudgetMultiplier"] = "20",

            // Declare a killed silo dead in seconds, even on a starved machine (production keeps Orleans' defaults).
            ["StatefulSpot__Membership__ProbeTimeout"] = "00:00:01",
            ["StatefulSpot__Membership__NumMissedProbesLimit"] = "2",
            ["StatefulSpot__Membership__NumVotesForDeathDeclaration"] = "1",
            ["StatefulSpot__Membership__ExtendProbeTimeoutDuringDegradation"] = "false",
            ["StatefulSpot__Membership__TableRefreshTimeout"] = "00:00:02",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        return SiloProcess.Start(_workDirectory, [], environment);
    }

    /// <summary>
    /// Polls the managed instance until <paramref name="condition"/> holds. Calls that fail while the cluster notices a dead
    /// silo are retried: a caller of a real cluster sees the same.
    /// </summary>
    private async Task<ManagedInstanceView> WaitAsync(StatefulSpotClient client, string id, Func<ManagedInstanceView, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        ManagedInstanceView? last = null;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var call = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                last = await client.GetAsync(id, call.Token);
                if (last is not null && condition(last))
                {
                    return last;
                }
            }
            catch (Exception exception) when (exception is not ManagedInstanceException)
            {
                lastError = exception;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{id} did not get there within {Patience}: last {last?.Status} at {last?.CurrentStep} ({last?.LastError}); "
            + $"last call error: {lastError?.Message}\n{string.Join("\n----\n", _silos.Select(s => s.Output))}");
    }

    private async Task AssertEc2HoldsAsync(ManagedInstanceView view)
    {
        using var ec2 = new AmazonEC2Client(new BasicAWSCredentials("test", "test"),
            new AmazonEC2Config { ServiceURL = _emulator.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1" });
        var live = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters =
            [
                new Filter("tag:statefulspot:managed-instance", [view.Id]),
                new Filter("instance-state-name", ["pending", "running", "stopping", "stopped", "shutting-down"]),
            ],
        });
        var instance = Assert.Single((live.Reservations ?? []).SelectMany(r => r.Instances ?? []));
        Assert.Equal(view.InstanceId, instance.InstanceId);
        Assert.Equal(view.PrivateIp, instance.PrivateIpAddress);
        var volumeId = Assert.Single(view.Volumes).VolumeId;
        var volume = (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volumeId!] })).Volumes.Single();
        Assert.Equal(view.InstanceId, Assert.Single(volume.Attachments).InstanceId);
    }

    public async Task DisposeAsync()
    {
        if (_clientHost is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _clientHost.StopAsync(stop.Token);
            _clientHost.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _emulator.DisposeAsync();
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting process; the temp folder is cleaned by the OS.
        }
    }
}
