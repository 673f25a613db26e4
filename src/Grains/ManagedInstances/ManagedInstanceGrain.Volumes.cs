using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances.Saga;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// The data volumes. The managed instance keeps no copy of them (its devices are the spec's block-device mappings):
/// it asks each device's volume grain, for the view and for reconciliation, and has it delete its volume.
/// </summary>
public sealed partial class ManagedInstanceGrain
{
    public async Task<ManagedInstanceView> DeleteVolumeAsync(string deviceName, CancellationToken cancellationToken = default)
    {
        var spec = Require("delete-volume");
        var mappings = spec.LaunchSpecification.BlockDeviceMappings;
        if (!mappings.Any(b => b.DeviceName == deviceName))
        {
            throw new InvalidRequestException($"Managed instance '{Id}' has no data volume at '{deviceName}'; its devices are "
                + $"{string.Join(", ", mappings.Select(b => b.DeviceName).DefaultIfEmpty("none"))}.");
        }

        // The volume goes first: if it fails, the spec still names it and the call can be repeated.
        await GrainFactory.GetGrain<IVolumeGrain>(ResourceKeys.For(Id, deviceName)).DeleteAsync(cancellationToken);
        store.State = State with
        {
            Spec = spec with
            {
                LaunchSpecification = spec.LaunchSpecification with { BlockDeviceMappings = [.. mappings.Where(b => b.DeviceName != deviceName)] },
            },
        };
        await store.WriteStateAsync(cancellationToken);
        return await ViewAsync(cancellationToken);
    }

    /// <summary>What clients see: the state, and the volumes as their grains answer.</summary>
    private async Task<ManagedInstanceView> ViewAsync(CancellationToken cancellationToken)
    {
        // Read once: Get interleaves, so a step may move the state on while the volume grains answer.
        var state = State;
        return ManagedInstanceViews.From(Id, state, await HeldVolumesAsync(state, cancellationToken));
    }

    private Task<IReadOnlyList<VolumeView>> HeldVolumesAsync(ManagedInstanceState state, CancellationToken cancellationToken) =>
        state.Spec is { } spec ? HeldVolumes.GetAsync(GrainFactory, Id, spec, cancellationToken) : Task.FromResult<IReadOnlyList<VolumeView>>([]);
}
