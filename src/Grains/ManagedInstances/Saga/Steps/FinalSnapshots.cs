using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>Final snapshots of data volumes, shared by <see cref="SnapshotVolumesStep"/> and <see cref="RelocateVolumesStep"/>.</summary>
public static class FinalSnapshots
{
    /// <summary>
    /// The next volume without a final snapshot in this operation gets one from its volume grain (found by its token if
    /// it exists), returned as a checkpoint so that each snapshot is remembered as soon as it exists; null once every
    /// volume has one.
    /// </summary>
    public static async Task<StepResult?> TakeNextAsync(StepContext context, IEnumerable<VolumeView> volumes, string purpose, string description)
    {
        var taken = context.Operation.VolumeSnapshots;
        if (volumes.FirstOrDefault(v => taken.All(s => s.VolumeId != v.VolumeId)) is not { } volume)
        {
            return null;
        }

        // The volume id is part of the token: a pause after a recycle of the same generation snapshots the new volume.
        var token = context.ClientToken($"{purpose}{volume.DeviceName.Replace('/', '-')}-{volume.VolumeId}");
        var snapshot = await context.Volume(volume.DeviceName).SnapshotAsync(new SnapshotRequest
        {
            VolumeId = volume.VolumeId!,
            ClientToken = token,
            Description = $"StatefulSpot {context.ManagedInstanceId} {volume.DeviceName}, {description}",
            Tags = ResourceTags.Snapshot(context.ManagedInstanceId, token, volume.DeviceName, context.State.Generation),
        }, context.CancellationToken);
        return StepResult.Checkpoint(context.State with
        {
            Operation = context.Operation with { VolumeSnapshots = [.. taken, new DeviceSnapshot(volume.DeviceName, snapshot.SnapshotId, volume.VolumeId!)] },
        });
    }

    /// <summary>Null when every snapshot completed; else a wait (or a failure) naming the first that did not, and what it is for.</summary>
    public static async Task<StepResult?> WaitCompletedAsync(StepContext context, IEnumerable<DeviceSnapshot> finals, string purpose = "")
    {
        foreach (var final in finals)
        {
            var snapshot = (await context.Volume(final.DeviceName).DescribeSnapshotsAsync([final.SnapshotId], context.CancellationToken)).FirstOrDefault();
            switch (Ec2ProgressOf.Snapshot(snapshot?.State))
            {
                case Ec2Progress.Completed:
                    continue;
                case Ec2Progress.Failed:
                    throw new SagaStepFailedException($"the final snapshot {final.SnapshotId} of {final.DeviceName}{purpose} failed: {snapshot!.StateMessage}");
                default:
                    return StepResult.Wait($"final snapshot {final.SnapshotId} of {final.DeviceName}{purpose} to complete (it is {snapshot?.State} {snapshot?.Progress})");
            }
        }

        return null;
    }
}
