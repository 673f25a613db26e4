using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.ManagedInstances.Saga;
using StatefulSpot.Grains.ManagedInstances.Saga.Steps;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

/// <summary>
/// Moving a reattached volume to the new instance's AZ: each persisted fact (the snapshot, then the stale id) is a
/// checkpoint of the state the step was given, so nothing saved before is written over.
/// </summary>
public sealed class RelocateVolumesStepTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private const string Key = "smi-0123abcd//dev/sdf";

    [Fact]
    public async Task AVolumeLeftInTheOldZone_IsSnapshotted_MarkedStale_ThenRebuilt_EachStepKeepingWhatTheLastSaved()
    {
        var volume = new FakeVolumeGrain("/dev/sdf", new VolumeView { DeviceName = "/dev/sdf", VolumeId = "vol-old", AvailabilityZone = "us-east-1a", State = "available" });
        var state = new ManagedInstanceState
        {
            Spec = Specs.Database(persistPrivateIp: false),
            Generation = 2,
            AvailabilityZone = "us-east-1b",
            StaleVolumeIds = ["vol-older"],
            Operation = new SagaCursor
            {
                Kind = OperationKind.Recycle, Trigger = OperationTrigger.User, Step = SagaStep.RelocateVolumes, StartedAt = Now, StepStartedAt = Now,
            },
        };
        var context = new StepContext("smi-0123abcd", state, Now, FakeGrains.With(new() { [Key] = volume }), TimeSpan.Zero, CancellationToken.None);
        var step = new RelocateVolumesStep();

        // 1. The final snapshot, remembered as soon as it exists.
        var taken = await step.ExecuteAsync(context);
        Assert.Equal(StepOutcome.Checkpoint, taken.Outcome);
        var final = Assert.Single(taken.State!.Operation!.VolumeSnapshots);
        Assert.Equal(("/dev/sdf", "vol-old"), (final.DeviceName, final.VolumeId));

        // 2. Not rebuilt before the snapshot completed; no second snapshot either.
        var waiting = await step.ExecuteAsync(context with { State = taken.State });
        Assert.Equal(StepOutcome.Wait, waiting.Outcome);
        Assert.Equal(["snapshot vol-old"], volume.Calls);

        // 3. The old id is recorded before the grain takes a new volume, and the snapshot saved in 1 is still there.
        volume.Complete(final.SnapshotId);
        var marked = await step.ExecuteAsync(context with { State = taken.State });
        Assert.Equal(StepOutcome.Checkpoint, marked.Outcome);
        Assert.Equal(["vol-older", "vol-old"], marked.State!.StaleVolumeIds);
        Assert.Equal([final], marked.State.Operation!.VolumeSnapshots);

        // 4. Rebuilt from the snapshot in the new AZ: the device's grain holds the new volume (the state keeps no copy).
        var done = await step.ExecuteAsync(context with { State = marked.State });
        Assert.Equal(StepOutcome.Done, done.Outcome);
        Assert.Equal(["snapshot vol-old", $"relocate {final.SnapshotId} us-east-1b"], volume.Calls);
        var held = Assert.Single(await HeldVolumes.GetAsync(context with { State = done.State! }));
        Assert.Equal((volume.Current!.VolumeId, "us-east-1b"), (held.VolumeId, held.AvailabilityZone));
        Assert.Equal($"vol-from-{final.SnapshotId}", held.VolumeId);
        Assert.Equal(["vol-older", "vol-old"], done.State!.StaleVolumeIds);
        Assert.Equal([final], done.State.Operation!.VolumeSnapshots);

        // 5. Run again (a crash before the step's end was written): the grain's volume is in the new AZ, nothing moves twice.
        var again = await step.ExecuteAsync(context with { State = marked.State });
        Assert.Equal(StepOutcome.Done, again.Outcome);
        Assert.Equal(2, volume.Calls.Count);
    }
}
