using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.World;

/// <summary>Puts the world definition's images, their root snapshots and the subnets' tags into a (fresh or loaded) world.</summary>
internal static class WorldSeed
{
    private static readonly DateTimeOffset WorldEpoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Apply(EmulatorState state, WorldDefinition world)
    {
        foreach (var definition in world.Images)
        {
            state.Ec2.Images[definition.ImageId] = MachineImage.FromWorld(definition);
            state.Ec2.Snapshots[definition.RootSnapshotId] = new Snapshot
            {
                SnapshotId = definition.RootSnapshotId,
                VolumeId = "vol-ffffffff",
                VolumeSize = definition.RootVolumeSize,
                State = SnapshotState.Completed,
                StartTime = WorldEpoch,
                CompletionTime = WorldEpoch,
                Description = $"Root of {definition.Name}",
                OwnerAlias = definition.OwnerAlias,
            };
        }

        foreach (var subnet in world.Subnets)
        {
            state.Ec2.SubnetTags.TryAdd(subnet.SubnetId, new Dictionary<string, string>(subnet.Tags, StringComparer.Ordinal));
        }
    }
}
