using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.ManagedInstances.Saga;
using StatefulSpot.Grains.ManagedInstances.Saga.Steps;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

public sealed class SnapshotVolumesStepTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EachVolumesFinalSnapshot_IsACheckpoint_ThenTheStepCompletes_WithoutTakingAnyTwice()
    {
        var devices = new[] { "/dev/sdf", "/dev/sdg" };
        var grains = devices.ToDictionary(d => $"smi-0123abcd/{d}",
            d => new FakeVolumeGrain(d, new VolumeView { DeviceName = d, VolumeId = "vol" + d.Replace("/dev/", "-"), AvailabilityZone = "us-east-1a" }));
        var spec = Specs.Database(persistPrivateIp: false) with
        {
            Persistence = new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch },
            LaunchSpecification = Specs.Database().LaunchSpecification with
            {
                BlockDeviceMappings = [.. devices.Select(d => new BlockDeviceMappingSpec { DeviceName = d, VolumeSizeGiB = 10 })],
            },
        };
        var state = new ManagedInstanceState
        {
            Spec = spec,
            Generation = 4,
            Operation = new SagaCursor
            {
                Kind = OperationKind.Pause, Trigger = OperationTrigger.User, Step = SagaStep.SnapshotVolumes, StartedAt = Now, StepStartedAt = Now,
            },
        };
        var context = new StepContext("smi-0123abcd", state, Now, FakeGrains.With(grains), TimeSpan.Zero, CancellationToken.None);
        var step = new SnapshotVolumesStep();

        var outcomes = new List<StepOutcome>();
        var result = await step.ExecuteAsync(context);
        while (result.Outcome == StepOutcome.Checkpoint && outcomes.Count < 10)
        {
            outcomes.Add(result.Outcome);
            result = await step.ExecuteAsync(context with { State = result.State! });
        }

        Assert.Equal([StepOutcome.Checkpoint, StepOutcome.Checkpoint], outcomes);
        Assert.Equal(StepOutcome.Done, result.Outcome);
        Assert.Equal(["vol-sdf", "vol-sdg"], result.State!.Operation!.VolumeSnapshots.Select(s => s.VolumeId));
        Assert.All(grains.Values, g => Assert.Single(g.Calls));
    }
}
