using Amazon.EC2;
using Amazon.Runtime;
using Orleans.TestingHost;
using StatefulSpot.Client;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Silo.Storage;

namespace StatefulSpot.Cluster.Tests.Postgres;

/// <summary>
/// A fresh PostgreSQL database with the schema, an emulator, and two StatefulSpot silos on it (<see cref="PostgresTestCluster"/>),
/// with a client and an EC2 client to check claims against: the set-up of every failover test.
/// </summary>
public sealed class PostgresRecoveryCluster : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private PostgresRecoveryCluster(string connectionString, AwsEmulator emulator, TestCluster cluster)
    {
        ConnectionString = connectionString;
        Emulator = emulator;
        Cluster = cluster;
        Client = new StatefulSpotClient(cluster.Client);
        Ec2 = new AmazonEC2Client(new BasicAWSCredentials("test", "test"),
            new AmazonEC2Config { ServiceURL = emulator.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1" });
    }

    public string ConnectionString { get; }

    public AwsEmulator Emulator { get; }

    public TestCluster Cluster { get; }

    public StatefulSpotClient Client { get; }

    public AmazonEC2Client Ec2 { get; }

    /// <param name="name">The database name (and the service id's suffix): unique per test.</param>
    public static async Task<PostgresRecoveryCluster> StartAsync(PostgresServerFixture postgres, string name, EmulatorOptions? emulatorOptions = null,
        bool reconciler = true)
    {
        var connectionString = await postgres.CreateDatabaseAsync(name);
        await PostgresSchema.ApplyAsync(connectionString);
        var emulator = await AwsEmulator.StartAsync(emulatorOptions ?? new EmulatorOptions { TimeScale = 0.02 });
        var cluster = await PostgresTestCluster.StartAsync(connectionString, silos: 2, serviceId: "statefulspot-" + name.Replace('_', '-'),
            emulator.ServiceUrl, emulator.EventQueueUrl, reconciler);
        return new PostgresRecoveryCluster(connectionString, emulator, cluster);
    }

    /// <summary>Creates a managed instance and waits until it is Active (failing with its error otherwise).</summary>
    public async Task<ManagedInstanceView> CreateActiveAsync(ManagedInstanceSpec spec)
    {
        var created = await Client.CreateAsync(spec);
        var active = await Client.WaitUntilAsync(created.Id, v => v.Status != ManagedInstanceStatus.Creating, Patience);
        Assert.True(active.Status == ManagedInstanceStatus.Active, $"creation ended in {active.Status}: {active.LastError}");
        return active;
    }

    /// <summary>The silo the managed instance's grain is active on.</summary>
    public async Task<SiloHandle> HostOfAsync(string managedInstanceId)
    {
        var address = await Cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(Cluster.Client.GetGrain<IManagedInstanceGrain>(managedInstanceId));
        return Assert.Single(Cluster.Silos, s => s.SiloAddress.Equals(address));
    }

    public async ValueTask DisposeAsync()
    {
        Ec2.Dispose();
        await Cluster.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
