using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using StatefulSpot.Client;
using StatefulSpot.Emulator;
using StatefulSpot.Grains;
using StatefulSpot.Grains.Ec2.Gateway;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.Reconciliation;
using StatefulSpot.Silo.Hosting;

namespace StatefulSpot.Cluster.Tests.Recovery;

/// <summary>
/// A real Orleans cluster (two in-process silos) wired exactly like production: the real AWS SDK clients talk to
/// the in-process emulator over HTTP, interruption notices travel EventBridge JSON -> SQS -> our stream provider.
/// Only the emulator's clock is fast: 1 simulated second is 10 ms.
/// </summary>
public class StatefulSpotClusterFixture : IAsyncLifetime
{
    public const double TimeScale = 0.01;

    /// <summary>How long a failed capacity pool is tried last in tests (3 minutes in production).</summary>
    public static readonly TimeSpan CapacityPoolAvoidance = TimeSpan.FromSeconds(1);

    private InProcessTestCluster? _cluster;

    public AwsEmulator Emulator { get; private set; } = null!;

    public InProcessTestCluster Cluster => _cluster!;

    /// <summary>How long a test waits for an operation to finish.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public StatefulSpotClient Client { get; private set; } = null!;

    /// <summary>An EC2 client of the test's own, to see what EC2 itself says.</summary>
    public AmazonEC2Client Ec2 { get; private set; } = null!;

    public AmazonSQSClient Sqs { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await AwsEmulator.StartAsync(CreateEmulatorOptions());
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Instances);
            silo.UseInMemoryReminderService();
            silo.Services.AddAwsClientsForEndpoint(Emulator.ServiceUrl, "us-east-1");
            silo.Services.Configure<ManagedInstanceOptions>(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
                o.StepTimeout = TimeSpan.FromSeconds(30);
                o.CapacityPoolAvoidance = CapacityPoolAvoidance;
                o.MinimumSnapshotInterval = TimeSpan.FromSeconds(1);
                o.EventFallbackInterval = TimeSpan.FromMilliseconds(500);
            });

            // The emulator's buckets refill on its compressed clock; the gateway's budget keeps the same physics.
            silo.Services.Configure<Ec2GatewayOptions>(o => o.BudgetMultiplier = 1 / TimeScale);
            silo.Services.Configure<ReconcilerOptions>(o => o.PageSize = 5);
            silo.AddStatefulSpot(Emulator.EventQueueUrl, CreateConfiguration());
            ConfigureSilo(silo);
        });
        builder.ConfigureClient(client => client.AddActivityPropagation());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        Client = new StatefulSpotClient(_cluster.Client);
        var credentials = new BasicAWSCredentials("test", "test");
        Ec2 = new AmazonEC2Client(credentials, new AmazonEC2Config { ServiceURL = Emulator.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1" });
        Sqs = new AmazonSQSClient(credentials, new AmazonSQSConfig { ServiceURL = Emulator.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1" });
    }

    /// <summary>Creates a managed instance and waits until it is Active (failing with its error otherwise).</summary>
    public async Task<ManagedInstanceView> CreateActiveAsync(ManagedInstanceSpec spec)
    {
        var created = await Client.CreateAsync(spec);
        var active = await Client.WaitUntilAsync(created.Id, v => v.Status != ManagedInstanceStatus.Creating, Patience);
        Assert.True(active.Status == ManagedInstanceStatus.Active, $"creation ended in {active.Status}: {active.LastError}");
        return active;
    }

    /// <summary>Waits for the recovery that follows <paramref name="before"/> and returns the settled view.</summary>
    public Task<ManagedInstanceView> WaitForNextGenerationAsync(ManagedInstanceView before) =>
        Client.WaitUntilAsync(before.Id, v => v.Generation > before.Generation
            && v.Status is not (ManagedInstanceStatus.Recycling or ManagedInstanceStatus.Resuming), Patience);

    /// <summary>Pauses a managed instance and waits until it is Paused (failing with its error otherwise).</summary>
    public async Task<ManagedInstanceView> PauseAndWaitAsync(string managedInstanceId)
    {
        await Client.PauseAsync(managedInstanceId);
        var paused = await Client.WaitUntilAsync(managedInstanceId, v => v.Status is ManagedInstanceStatus.Paused or ManagedInstanceStatus.Error, Patience);
        Assert.True(paused.Status == ManagedInstanceStatus.Paused, $"pause ended in {paused.Status}: {paused.LastError}");
        return paused;
    }

    /// <summary>Recycles a managed instance and waits until it is Active on the next generation (failing otherwise).</summary>
    public async Task<ManagedInstanceView> RecycleAndWaitAsync(ManagedInstanceView before)
    {
        await Client.RecycleAsync(before.Id);
        var recycled = await WaitForNextGenerationAsync(before);
        Assert.True(recycled.Status == ManagedInstanceStatus.Active, $"recycle ended in {recycled.Status}: {recycled.LastError}");
        return recycled;
    }

    /// <summary>The managed instance's EC2 instances that are not terminated, as EC2 lists them.</summary>
    public async Task<List<Instance>> LiveInstancesAsync(string managedInstanceId)
    {
        var response = await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters =
            [
                new Filter("tag:statefulspot:managed-instance", [managedInstanceId]),
                new Filter("instance-state-name", ["pending", "running", "stopping", "stopped", "shutting-down"]),
            ],
        });
        return [.. (response.Reservations ?? []).SelectMany(r => r.Instances ?? [])];
    }

    /// <summary>The emulator's settings; fixtures that need other physics override this.</summary>
    protected virtual EmulatorOptions CreateEmulatorOptions() => new() { TimeScale = TimeScale };

    /// <summary>The configuration the silos' <c>AddStatefulSpot</c> reads (saga, reconciler, event stream); none by default.</summary>
    protected virtual IConfiguration? CreateConfiguration() => null;

    /// <summary>Extra silo configuration for fixtures that inject faults.</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        Ec2?.Dispose();
        Sqs?.Dispose();
        await Emulator.DisposeAsync();
    }
}
