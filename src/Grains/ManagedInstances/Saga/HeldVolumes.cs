using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga;

/// <summary>
/// The data volumes a managed instance holds. It keeps no copy of them: its devices are the spec's block-device
/// mappings, and each device's volume grain answers with its own view of the volume it holds.
/// </summary>
public static class HeldVolumes
{
    /// <summary>
    /// What each device's volume grain holds, in the spec's device order; a device whose grain holds no volume (not
    /// created yet, onLaunch before its launch, deleted) is left out. Read-only calls: no EC2 call, and no wait
    /// behind a grain's EC2 work.
    /// </summary>
    public static async Task<IReadOnlyList<VolumeView>> GetAsync(
        IGrainFactory grains, string managedInstanceId, ManagedInstanceSpec spec, CancellationToken cancellationToken)
    {
        var views = await Task.WhenAll(spec.LaunchSpecification.BlockDeviceMappings.Select(mapping =>
            grains.GetGrain<IVolumeGrain>(ResourceKeys.For(managedInstanceId, mapping.DeviceName)).GetAsync(cancellationToken)));
        return [.. views.OfType<VolumeView>().Where(v => v.VolumeId is not null)];
    }

    /// <inheritdoc cref="GetAsync(IGrainFactory, string, ManagedInstanceSpec, CancellationToken)"/>
    public static Task<IReadOnlyList<VolumeView>> GetAsync(StepContext context) =>
        GetAsync(context.Grains, context.ManagedInstanceId, context.Spec, context.CancellationToken);
}
