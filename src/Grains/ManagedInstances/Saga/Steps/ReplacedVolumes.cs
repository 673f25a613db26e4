using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.Volumes;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>Deleting volumes the managed instance replaced, each through the grain of the device that held it.</summary>
public static class ReplacedVolumes
{
    /// <summary>
    /// A current volume (one of <paramref name="held"/>, read before anything was deleted) goes through its grain's
    /// delete; a former one through the grain of the device a final snapshot names for it; a volume no record places
    /// on a device (state older than these records) is deleted by id.
    /// </summary>
    public static async Task DeleteAsync(StepContext context, IEc2Api ec2, IReadOnlyList<VolumeView> held, IEnumerable<string> volumeIds)
    {
        var devices = context.Operation.VolumeSnapshots.Concat(context.State.LatestSnapshots)
            .GroupBy(s => s.VolumeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().DeviceName, StringComparer.Ordinal);
        var unplaced = new List<string>();
        foreach (var volumeId in volumeIds)
        {
            var device = held.FirstOrDefault(v => v.VolumeId == volumeId)?.DeviceName ?? devices.GetValueOrDefault(volumeId);
            if (device is not null)
            {
                // The grain deletes its current volume only when that is the one named (a pause's captured volume), never another.
                var grain = context.Volume(device);
                await ((await grain.GetAsync(context.CancellationToken))?.VolumeId == volumeId
                    ? grain.DeleteAsync(context.CancellationToken)
                    : grain.DeleteFormerAsync(volumeId, context.CancellationToken));
            }
            else
            {
                unplaced.Add(volumeId);
            }
        }

        await new UnheldVolumes(ec2, context.ManagedInstanceId).DeleteAsync(unplaced, context.CancellationToken);
    }
}
