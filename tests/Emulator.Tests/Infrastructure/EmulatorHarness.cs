using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SQS;

namespace StatefulSpot.Emulator.Tests.Infrastructure;

/// <summary>
/// One emulator per test (TimeScale 0.01: pending 80 ms, shutting-down 200 ms, notice lead 1.2 s) and the real AWS SDK
/// clients pointed at it.
/// </summary>
public sealed class EmulatorHarness : IAsyncDisposable
{
    public const double FastTimeScale = 0.01;

    private EmulatorHarness(AwsEmulator emulator)
    {
        Emulator = emulator;
        var credentials = new BasicAWSCredentials("AKIDEXAMPLE", "SECRETEXAMPLE");
        Ec2 = new AmazonEC2Client(credentials, new AmazonEC2Config
        {
            ServiceURL = emulator.ServiceUrl.ToString(),
            AuthenticationRegion = "us-east-1",
        });
        Sqs = new AmazonSQSClient(credentials, new AmazonSQSConfig
        {
            ServiceURL = emulator.ServiceUrl.ToString(),
            AuthenticationRegion = "us-east-1",
        });
        Ec2NoRetry = new AmazonEC2Client(credentials, new AmazonEC2Config
        {
            ServiceURL = emulator.ServiceUrl.ToString(),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });
        Http = new HttpClient { BaseAddress = emulator.ServiceUrl };
    }

    public AwsEmulator Emulator { get; }

    public AmazonEC2Client Ec2 { get; }

    public AmazonSQSClient Sqs { get; }

    /// <summary>An EC2 client that never retries: every answer, 5xx included, reaches the test as it is.</summary>
    public AmazonEC2Client Ec2NoRetry { get; }

    /// <summary>An HTTP client for the control API (<c>/_emulator/…</c>).</summary>
    public HttpClient Http { get; }

    public static async Task<EmulatorHarness> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { TimeScale = FastTimeScale };
        configure?.Invoke(options);
        return new EmulatorHarness(await AwsEmulator.StartAsync(options));
    }

    public async ValueTask DisposeAsync()
    {
        Ec2.Dispose();
        Ec2NoRetry.Dispose();
        Sqs.Dispose();
        Http.Dispose();
        await Emulator.DisposeAsync();
    }

    /// <summary>RunInstances with one instance of the default image; <paramref name="configure"/> adjusts the request.</summary>
    public async Task<Instance> LaunchAsync(bool spot = true, Action<RunInstancesRequest>? configure = null)
    {
        var request = new RunInstancesRequest
        {
            ImageId = DefaultWorld.ImageId,
            InstanceType = InstanceType.M5Large,
            MinCount = 1,
            MaxCount = 1,
        };
        if (spot)
        {
            request.InstanceMarketOptions = new InstanceMarketOptionsRequest
            {
                MarketType = MarketType.Spot,
                SpotOptions = new SpotMarketOptions
                {
                    SpotInstanceType = SpotInstanceType.OneTime,
                    InstanceInterruptionBehavior = InstanceInterruptionBehavior.Terminate,
                },
            };
        }

        if (configure is null)
        {
            request.SubnetId = DefaultWorld.SubnetA;
        }
        else
        {
            configure(request);
        }

        var response = await Ec2.RunInstancesAsync(request);
        return Assert.Single(response.Reservation.Instances);
    }

    public async Task<Instance> LaunchRunningAsync(bool spot = true, Action<RunInstancesRequest>? configure = null)
    {
        var instance = await LaunchAsync(spot, configure);
        return await WaitForInstanceStateAsync(instance.InstanceId, InstanceStateName.Running);
    }

    public async Task<Instance> DescribeInstanceAsync(string instanceId)
    {
        var response = await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] });
        return Assert.Single(Assert.Single(response.Reservations).Instances);
    }

    public Task<Instance> WaitForInstanceStateAsync(string instanceId, InstanceStateName state) =>
        Eventually.ReturnsAsync(() => DescribeInstanceAsync(instanceId), i => i.State.Name == state, $"{instanceId} {state}");

    public async Task<Volume> DescribeVolumeAsync(string volumeId)
    {
        var response = await Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volumeId] });
        return Assert.Single(response.Volumes);
    }

    public Task<Volume> WaitForVolumeStateAsync(string volumeId, VolumeState state) =>
        Eventually.ReturnsAsync(() => DescribeVolumeAsync(volumeId), v => v.State == state, $"{volumeId} {state}");

    public async Task<Volume> CreateAvailableVolumeAsync(string zone, int size = 10, Action<CreateVolumeRequest>? configure = null)
    {
        var request = new CreateVolumeRequest { AvailabilityZone = zone, Size = size, VolumeType = VolumeType.Gp3 };
        configure?.Invoke(request);
        var volume = (await Ec2.CreateVolumeAsync(request)).Volume;
        return await WaitForVolumeStateAsync(volume.VolumeId, VolumeState.Available);
    }

    public async Task<NetworkInterface> DescribeInterfaceAsync(string eniId)
    {
        var response = await Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [eniId] });
        return Assert.Single(response.NetworkInterfaces);
    }

    public Task<NetworkInterface> WaitForInterfaceStatusAsync(string eniId, NetworkInterfaceStatus status) =>
        Eventually.ReturnsAsync(() => DescribeInterfaceAsync(eniId), n => n.Status == status, $"{eniId} {status}");

    public async Task<NetworkInterface> CreateAvailableInterfaceAsync(string subnetId, string? privateIp = null)
    {
        var created = await Ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest { SubnetId = subnetId, PrivateIpAddress = privateIp });
        return await WaitForInterfaceStatusAsync(created.NetworkInterface.NetworkInterfaceId, NetworkInterfaceStatus.Available);
    }

    public async Task<Snapshot> DescribeSnapshotAsync(string snapshotId)
    {
        var response = await Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [snapshotId] });
        return Assert.Single(response.Snapshots);
    }

    public Task<Snapshot> WaitForSnapshotStateAsync(string snapshotId, SnapshotState state) =>
        Eventually.ReturnsAsync(() => DescribeSnapshotAsync(snapshotId), s => s.State == state, $"{snapshotId} {state}");

    public async Task<Image> DescribeImageAsync(string imageId)
    {
        var response = await Ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [imageId] });
        return Assert.Single(response.Images);
    }

    public Task<Image> WaitForImageStateAsync(string imageId, ImageState state) =>
        Eventually.ReturnsAsync(() => DescribeImageAsync(imageId), i => i.State == state, $"{imageId} {state}");

    /// <summary>A completed snapshot of a new available volume of <paramref name="size"/> GiB in zone A.</summary>
    public async Task<Snapshot> CreateCompletedSnapshotAsync(int size = 10)
    {
        var volume = await CreateAvailableVolumeAsync(DefaultWorld.ZoneA, size);
        var snapshot = (await Ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = volume.VolumeId })).Snapshot;
        return await WaitForSnapshotStateAsync(snapshot.SnapshotId, SnapshotState.Completed);
    }

    /// <summary>RegisterImage from <paramref name="snapshotId"/> as a runnable (x86_64, HVM, ENA) image with root /dev/xvda, then waits until available.</summary>
    public async Task<Image> RegisterAvailableImageAsync(string snapshotId, string name, Action<RegisterImageRequest>? configure = null)
    {
        var request = new RegisterImageRequest
        {
            Name = name,
            RootDeviceName = "/dev/xvda",
            Architecture = ArchitectureValues.X86_64,
            VirtualizationType = "hvm",
            EnaSupport = true,
            BlockDeviceMappings =
            [
                new BlockDeviceMapping
                {
                    DeviceName = "/dev/xvda",
                    Ebs = new EbsBlockDevice { SnapshotId = snapshotId, VolumeType = VolumeType.Gp3, DeleteOnTermination = true },
                },
            ],
        };
        configure?.Invoke(request);
        var imageId = (await Ec2.RegisterImageAsync(request)).ImageId;
        return await WaitForImageStateAsync(imageId, ImageState.Available);
    }
}
