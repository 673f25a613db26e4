using System.Reflection;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.ManagedInstances.Saga;
using StatefulSpot.Grains.ManagedInstances.Saga.Steps;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

/// <summary>A launch that waits for the EC2 budget many times describes the network interface once, not each time.</summary>
public sealed class LaunchStepTests
{
    private static StepContext Context(Recorder recorder, bool networkInterfaceFree) => new("smi-0123abcd", new ManagedInstanceState
    {
        Spec = Specs.Database(),
        Status = ManagedInstanceStatus.Recycling,
        NetworkInterfaceId = "eni-0123",
        AvailabilityZone = "us-east-1a",
        Operation = new SagaCursor
        {
            Kind = OperationKind.Recycle, Trigger = OperationTrigger.SpotInterruption, Step = SagaStep.Launch,
            StartedAt = default, StepStartedAt = default, NetworkInterfaceFree = networkInterfaceFree,
        },
    }, DateTimeOffset.UnixEpoch, recorder.Grains(), TimeSpan.FromMinutes(3), CancellationToken.None);

    [Fact]
    public async Task NetworkInterfaceNotYetSeenFree_IsDescribedAndTheCursorSaysSoBeforeTheLaunch()
    {
        var recorder = new Recorder();

        var result = await new LaunchStep(recorder.Ec2()).ExecuteAsync(Context(recorder, networkInterfaceFree: false));

        Assert.Equal(StepOutcome.Checkpoint, result.Outcome);
        Assert.True(result.State!.Operation!.NetworkInterfaceFree);
        Assert.Equal(["eni:RefreshAsync"], recorder.Calls);
    }

    [Fact]
    public async Task NetworkInterfaceInUse_WaitsWithoutLaunching()
    {
        var recorder = new Recorder { NetworkInterfaceStatus = "in-use" };

        var result = await new LaunchStep(recorder.Ec2()).ExecuteAsync(Context(recorder, networkInterfaceFree: false));

        Assert.Equal(StepOutcome.Wait, result.Outcome);
        Assert.Contains("in-use", result.WaitingFor, StringComparison.Ordinal);
        Assert.Equal(["eni:RefreshAsync"], recorder.Calls);
    }

    [Fact]
    public async Task NetworkInterfaceSeenFree_LaunchesWithoutDescribingItAgain()
    {
        var recorder = new Recorder();

        var result = await new LaunchStep(recorder.Ec2()).ExecuteAsync(Context(recorder, networkInterfaceFree: true));

        Assert.Equal(StepOutcome.Done, result.Outcome);
        Assert.Equal("i-new", result.State!.Operation!.NewInstanceId);
        Assert.Equal(["ec2:RunInstancesAsync", "instance:SetOwnerAsync"], recorder.Calls);
    }

    /// <summary>Records what the step calls: the network interface grain, EC2 and the new instance's grain.</summary>
    private sealed class Recorder
    {
        public List<string> Calls { get; } = [];

        public string NetworkInterfaceStatus { get; init; } = "available";

        public IGrainFactory Grains() => Proxy<IGrainFactory>((method, args) => method.GetGenericArguments()[0] switch
        {
            var t when t == typeof(INetworkInterfaceGrain) => Proxy<INetworkInterfaceGrain>((m, _) =>
            {
                Calls.Add("eni:" + m.Name);
                return Task.FromResult(new NetworkInterfaceView
                {
                    NetworkInterfaceId = "eni-0123", SubnetId = "subnet-1", AvailabilityZone = "us-east-1a", PrivateIp = "10.0.0.5",
                    Status = NetworkInterfaceStatus,
                });
            }),
            var t when t == typeof(IEc2InstanceGrain) => Proxy<IEc2InstanceGrain>((m, _) =>
            {
                Calls.Add("instance:" + m.Name);
                return Task.CompletedTask;
            }),
            var t => throw new NotSupportedException($"The step asked for a {t.Name} ({args?[0]})."),
        });

        public IEc2Api Ec2() => Proxy<IEc2Api>((method, _) =>
        {
            Calls.Add("ec2:" + method.Name);
            return method.Name == nameof(IEc2Api.RunInstancesAsync)
                ? Task.FromResult(new RunInstancesResponse { Reservation = new Reservation { Instances = [new Instance { InstanceId = "i-new" }] } })
                : throw new NotSupportedException($"The step called {method.Name}.");
        });
    }

    private static T Proxy<T>(Func<MethodInfo, object?[]?, object?> handle) where T : class
    {
        var proxy = DispatchProxy.Create<T, Handler>();
        ((Handler)(object)proxy).Handle = handle;
        return proxy;
    }

    public class Handler : DispatchProxy
    {
        public Func<MethodInfo, object?[]?, object?> Handle { get; set; } = (_, _) => null;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => Handle(targetMethod!, args);
    }
}
