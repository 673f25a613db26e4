using System.Reflection;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.ManagedInstances.Saga;
using StatefulSpot.Grains.ManagedInstances.Saga.Steps;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

/// <summary>
/// A launch that waits for the EC2 budget many times describes the network interface once, not each time; the cursor
/// says a launch was asked before RunInstances, and a launch that runs again adopts the instance it made.
/// </summary>
public sealed class LaunchStepTests
{
    private static StepContext Context(Recorder recorder, bool networkInterfaceFree, bool launchRequested = false, bool justCheckpointed = false,
        string? networkInterfaceId = "eni-0123", int launchRound = 0) => new("smi-0123abcd", new ManagedInstanceState
    {
        Spec = Specs.Database(),
        Status = ManagedInstanceStatus.Recycling,
        Generation = 3,
        NetworkInterfaceId = networkInterfaceId,
        AvailabilityZone = "us-east-1a",
        Operation = new SagaCursor
        {
            Kind = OperationKind.Recycle, Trigger = OperationTrigger.SpotInterruption, Step = SagaStep.Launch,
            StartedAt = default, StepStartedAt = default, NetworkInterfaceFree = networkInterfaceFree, LaunchRequested = launchRequested,
            LaunchRound = launchRound,
        },
    }, DateTimeOffset.UnixEpoch, recorder.Grains(), TimeSpan.FromMinutes(3), CancellationToken.None) { JustCheckpointed = justCheckpointed };

    [Fact]
    public async Task NetworkInterfaceNotYetSeenFree_IsDescribedAndTheCursorSaysSoBeforeTheLaunch()
    {
        var recorder = new Recorder();

        var result = await new LaunchStep(recorder.Ec2()).ExecuteAsync(Context(recorder, networkInterfaceFree: false));

        Assert.Equal(StepOutcome.Checkpoint, result.Outcome);
        Assert.True(result.State!.Operation!.NetworkInterfaceFree);
        Assert.True(result.State.Operation.LaunchRequested);
        Assert.Equal(["eni:RefreshAsync"], recorder.Calls);
    }

    [Fact]
    public async Task FirstRun_WritesThatALaunchIsAskedBeforeCallingEc2()
    {
        var recorder = new Recorder();

        var result = await new LaunchStep(recorder.Ec2()).ExecuteAsync(Context(recorder, networkInterfaceFree: false, networkInterfaceId: null));

        Assert.Equal(StepOutcome.Checkpoint, result.Outcome);
        Assert.True(result.State!.Operation!.LaunchRequested);
        Assert.Empty(recorder.Calls);
    }

    [Fact]
    public async Task RunAgainAfterALostAnswer_AdoptsTheInstanceTaggedWithThisGeneration_WithoutLaunching()
    {
        var recorder = new Recorder
        {
            Tagged = [new Instance
            {
                InstanceId = "i-made", InstanceType = "m5.xlarge", InstanceLifecycle = "spot",
                State = new InstanceState { Name = "pending" }, Placement = new Amazon.EC2.Model.Placement { AvailabilityZone = "us-east-1b" },
            }],
        };

        var result = await new LaunchStep(recorder.Ec2()).ExecuteAsync(Context(recorder, networkInterfaceFree: true, launchRequested: true));

        Assert.Equal(StepOutcome.Done, result.Outcome);
        Assert.Equal("i-made", result.State!.Operation!.NewInstanceId);
        Assert.Equal("m5.xlarge/us-east-1b/spot", result.State.Operation.Placement);
        Assert.Equal(("m5.xlarge", "spot"), (result.State.InstanceType, result.State.Market));
        Assert.Equal(["ec2:DescribeInstancesAsync", "instance:SetOwnerAsync"], recorder.Calls);
        var filters = recorder.DescribeFilters!.ToDictionary(f => f.Name, f => f.Values);
        Assert.Equal(["smi-0123abcd"], filters["tag:statefulspot:managed-instance"]);
        Assert.Equal(["3"], filters["tag:statefulspot:generation"]);
    }

    [Fact]
    public async Task RunAgainWithNothingTagged_LaunchesWithTheSameClientToken()
    {
        var recorder = new Recorder();

        var result = await new LaunchStep(recorder.Ec2()).ExecuteAsync(Context(recorder, networkInterfaceFree: true, launchRequested: true));

        Assert.Equal(StepOutcome.Done, result.Outcome);
        Assert.Equal(["ec2:DescribeInstancesAsync", "ec2:RunInstancesAsync", "instance:SetOwnerAsync"], recorder.Calls);
    }

    [Theory]
    [InlineData("shutting-down", new[] { "ec2:DescribeInstancesAsync" })]
    [InlineData("stopped", new[] { "ec2:DescribeInstancesAsync", "ec2:TerminateInstancesAsync" })]
    public async Task RunAgain_FindsTheInstanceItMadeGoingAwayUnrecorded_WaitsUntilItIsTerminatedWithoutLaunching(string state, string[] calls)
    {
        // Its onLaunch volumes outlive it unrecorded: clean-up can delete them only once it has let go of them.
        var recorder = new Recorder { Tagged = [new Instance { InstanceId = "i-made", State = new InstanceState { Name = state } }] };

        var result = await new LaunchStep(recorder.Ec2()).ExecuteAsync(Context(recorder, networkInterfaceFree: true, launchRequested: true));

        Assert.Equal(StepOutcome.Wait, result.Outcome);
        Assert.Equal(WaitKind.InstanceState, result.WaitKind);
        Assert.Contains("i-made", result.WaitingFor, StringComparison.Ordinal);
        Assert.Equal(calls, recorder.Calls);
    }

    [Fact]
    public async Task TokenOfALaunchThatIsTerminated_MovesToTheNextRoundBeforeLaunching_WithATokenOfItsOwn()
    {
        var recorder = new Recorder { SpentTokens = ["smi-0123abcd-g3-launch-m5.large-spot-us-east-1a"] };

        var spent = await new LaunchStep(recorder.Ec2()).ExecuteAsync(Context(recorder, networkInterfaceFree: true, launchRequested: true));

        Assert.Equal(StepOutcome.Checkpoint, spent.Outcome);
        Assert.Equal(1, spent.State!.Operation!.LaunchRound);
        Assert.Null(spent.State.Operation.NewInstanceId);

        var next = await new LaunchStep(recorder.Ec2()).ExecuteAsync(
            Context(recorder, networkInterfaceFree: true, launchRequested: true, justCheckpointed: true, launchRound: 1));

        Assert.Equal(StepOutcome.Done, next.Outcome);
        Assert.Equal("i-new", next.State!.Operation!.NewInstanceId);
        Assert.Equal(["smi-0123abcd-g3-launch-m5.large-spot-us-east-1a", "smi-0123abcd-g3-launch-m5.large-spot-us-east-1a-r1"], recorder.Tokens);
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

        var result = await new LaunchStep(recorder.Ec2()).ExecuteAsync(Context(recorder, networkInterfaceFree: true, launchRequested: true, justCheckpointed: true));

        Assert.Equal(StepOutcome.Done, result.Outcome);
        Assert.Equal("i-new", result.State!.Operation!.NewInstanceId);
        Assert.Equal(["ec2:RunInstancesAsync", "instance:SetOwnerAsync"], recorder.Calls);
    }

    /// <summary>Records what the step calls: the network interface grain, EC2 and the new instance's grain.</summary>
    private sealed class Recorder
    {
        public List<string> Calls { get; } = [];

        public string NetworkInterfaceStatus { get; init; } = "available";

        public List<Instance> Tagged { get; init; } = [];

        public List<Filter>? DescribeFilters { get; private set; }

        /// <summary>Client tokens whose launch EC2 answers IdempotentInstanceTerminated.</summary>
        public HashSet<string> SpentTokens { get; init; } = [];

        public List<string> Tokens { get; } = [];

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

        public IEc2Api Ec2() => Proxy<IEc2Api>((method, args) =>
        {
            Calls.Add("ec2:" + method.Name);
            switch (method.Name)
            {
                case nameof(IEc2Api.RunInstancesAsync):
                    var token = ((RunInstancesRequest)args![0]!).ClientToken;
                    Tokens.Add(token);
                    return SpentTokens.Contains(token)
                        ? Task.FromException<RunInstancesResponse>(new Amazon.EC2.AmazonEC2Exception("token spent") { ErrorCode = "IdempotentInstanceTerminated" })
                        : Task.FromResult(new RunInstancesResponse { Reservation = new Reservation { Instances = [new Instance { InstanceId = "i-new" }] } });
                case nameof(IEc2Api.TerminateInstancesAsync):
                    return Task.FromResult(new TerminateInstancesResponse());
                case nameof(IEc2Api.DescribeInstancesAsync):
                    DescribeFilters = ((DescribeInstancesRequest)args![0]!).Filters;
                    return Task.FromResult(new DescribeInstancesResponse { Reservations = Tagged.Count == 0 ? [] : [new Reservation { Instances = Tagged }] });
                default:
                    throw new NotSupportedException($"The step called {method.Name}.");
            }
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
