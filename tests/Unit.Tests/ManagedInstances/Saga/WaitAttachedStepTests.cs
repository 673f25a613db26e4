using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.ManagedInstances.Saga;
using StatefulSpot.Grains.ManagedInstances.Saga.Steps;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

/// <summary>The wait for the attachments: the attach calls' answers serve as its first look, EC2 is asked after that.</summary>
public sealed class WaitAttachedStepTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeVolumeGrain _volume = new("/dev/sdf", View("attaching"));

    private static VolumeView View(string attachment) => new()
    {
        DeviceName = "/dev/sdf", VolumeId = "vol-0abc", AvailabilityZone = "us-east-1a", State = "in-use",
        AttachedInstanceId = "i-0abc0001", AttachmentState = attachment,
    };

    [Fact]
    public async Task RightAfterTheAttach_ItsAnswerIsTheFirstLook_NoDescribe()
    {
        var result = await new WaitAttachedStep().ExecuteAsync(Context(justStarted: true));

        Assert.Equal(StepOutcome.Wait, result.Outcome);
        Assert.Contains("attaching", result.WaitingFor, StringComparison.Ordinal);
        Assert.Equal(0, _volume.Refreshes);
    }

    [Fact]
    public async Task ALaterLook_AsksEc2AndFindsItAttached()
    {
        _volume.Ec2View = View("attached");

        var result = await new WaitAttachedStep().ExecuteAsync(Context(justStarted: false));

        Assert.Equal(StepOutcome.Done, result.Outcome);
        Assert.Equal(Now, result.State!.Operation!.AttachedAt);
        Assert.Equal(1, _volume.Refreshes);
    }

    private StepContext Context(bool justStarted) => new("smi-0123abcd", new ManagedInstanceState
    {
        Spec = Specs.Database(),
        Generation = 2,
        Operation = new SagaCursor
        {
            Kind = OperationKind.Recycle, Trigger = OperationTrigger.User, Step = SagaStep.WaitAttached,
            StartedAt = Now, StepStartedAt = Now, NewInstanceId = "i-0abc0001",
        },
    }, Now, FakeGrains.With(new() { ["smi-0123abcd//dev/sdf"] = _volume }), TimeSpan.Zero, CancellationToken.None)
    {
        JustStarted = justStarted,
    };
}
