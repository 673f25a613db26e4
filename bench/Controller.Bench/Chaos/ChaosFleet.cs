using System.Globalization;
using Amazon.EC2;
using Amazon.EC2.Model;
using LaunchSpecification = StatefulSpot.Grains.Interfaces.LaunchSpecification;
using Amazon.Runtime;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Controller.Bench.Chaos;

/// <summary>The persistence modes the chaos run mixes, round robin.</summary>
internal enum ChaosMode
{
    ReattachWithEni,
    ReattachPrestaged,
    RootAndEni,
    OnLaunch,
    IpPool,
    ElasticIp,
}

/// <summary>
/// The chaos fleet: its specs, the IP pool and Elastic IPs it needs (made before the creates, released after the deletes),
/// and an EC2 client for what an operator's hand does to it (stopping or terminating an instance behind our back).
/// </summary>
internal sealed class ChaosFleet : IDisposable
{
    public const string ImageId = "ami-0123456789abcdef0";
    public const string Subnet = "subnet-0aaaaaaaaaaaaaaa1";
    public const string Zone = "us-east-1a";
    public const string PoolName = "chaos-ips";
    public static readonly int ModeCount = Enum.GetValues<ChaosMode>().Length;

    private readonly List<string> _allocations = [];
    private int _nextAllocation;

    private ChaosFleet(IAmazonEC2 ec2) => Ec2 = ec2;

    public IAmazonEC2 Ec2 { get; }

    /// <summary>The pool's addresses: high in subnet A (10.0.16.0/20), far above where the emulator hands out its own.</summary>
    public IReadOnlyList<string> PoolAddresses { get; private set; } = [];

    public IReadOnlyList<string> Allocations => _allocations;

    public static ChaosMode ModeOf(int index) => (ChaosMode)(index % ModeCount);

    public static async Task<ChaosFleet> PrepareAsync(Deployment deployment, int n, CancellationToken ct)
    {
        var fleet = new ChaosFleet(new AmazonEC2Client(new BasicAWSCredentials("bench", "bench"),
            new AmazonEC2Config { ServiceURL = deployment.Emulator.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 2 }));
        var wanted = Enumerable.Range(0, n).Count(i => ModeOf(i) == ChaosMode.IpPool);
        var elastic = Enumerable.Range(0, n).Count(i => ModeOf(i) == ChaosMode.ElasticIp);
        if (wanted > 0)
        {
            // Two spare addresses per pool member: a replacement that meets an address EC2 still holds quarantines it.
            fleet.PoolAddresses = [.. Enumerable.Range(0, (wanted * 3) + 2).Select(i => string.Create(CultureInfo.InvariantCulture, $"10.0.{28 + (i / 250)}.{4 + (i % 250)}"))];
            await deployment.Client.DefineIpPoolAsync(new IpPoolDefinition { Name = PoolName, SubnetId = Subnet, Addresses = fleet.PoolAddresses }, ct)
                .ConfigureAwait(false);
        }

        foreach (var _ in Enumerable.Range(0, elastic))
        {
            var allocation = await fleet.Ec2.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc }, ct).ConfigureAwait(false);
            fleet._allocations.Add(allocation.AllocationId);
        }

        return fleet;
    }

    public ManagedInstanceSpec Spec(int index)
    {
        var mode = ModeOf(index);
        return new ManagedInstanceSpec
        {
            Name = $"chaos-{index:D4}-{mode}",
            SubnetIds = [Subnet],
            LaunchSpecification = new LaunchSpecification
            {
                ImageId = ImageId,
                InstanceTypes = new InstanceTypesSpec { Preferred = ["m5.large"], Others = ["m5.xlarge"] },
                BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 20 }],
            },
            Persistence = mode switch
            {
                ChaosMode.ReattachWithEni => new PersistenceSpec { PersistPrivateIp = true },
                ChaosMode.ReattachPrestaged or ChaosMode.IpPool or ChaosMode.ElasticIp => new PersistenceSpec(),
                ChaosMode.RootAndEni => new PersistenceSpec { PersistPrivateIp = true, PersistRootDevice = true },
                _ => new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch },
            },
            Network = mode switch
            {
                ChaosMode.IpPool => new NetworkSpec { PrivateIpPool = PoolName },
                ChaosMode.ElasticIp => new NetworkSpec { ElasticIpAllocationId = _allocations[_nextAllocation++] },
                _ => new NetworkSpec(),
            },
            Strategy = new StrategySpec { FallbackToOnDemand = true },
        };
    }

    /// <summary>Whether the mode keeps the private IP (a persistent ENI).</summary>
    public static bool KeepsPrivateIp(ChaosMode mode) => mode is ChaosMode.ReattachWithEni or ChaosMode.RootAndEni or ChaosMode.IpPool;

    /// <summary>Releases the Elastic IPs; returns those EC2 would not release (still associated: a leak).</summary>
    public async Task<List<string>> ReleaseAsync(CancellationToken ct)
    {
        var refused = new List<string>();
        foreach (var allocation in _allocations)
        {
            try
            {
                await Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = allocation }, ct).ConfigureAwait(false);
            }
            catch (AmazonEC2Exception exception)
            {
                refused.Add($"{allocation}: {exception.ErrorCode}");
            }
        }

        return refused;
    }

    public void Dispose() => Ec2.Dispose();
}
