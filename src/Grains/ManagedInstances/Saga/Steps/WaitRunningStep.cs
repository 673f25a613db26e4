using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>
/// Waits (on the instance's state-change event) for the replacement to run; then its root volume (persistRootDevice)
/// and onLaunch data volumes are adopted by their volume grains, and its IP and AZ recorded.
/// </summary>
public sealed class WaitRunningStep(IEc2Api ec2) : ISagaStep
{
    public SagaStep Step => SagaStep.WaitRunning;

    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var instanceId = context.Operation.NewInstanceId!;
        if (context.ReportedState(instanceId) == "pending")
        {
            // The event that woke the step says it is still booting: no need to ask EC2.
            return StepResult.WaitForInstance($"instance {instanceId} to be running (it is pending)");
        }

        var instance = await ec2.DescribeInstanceAsync(instanceId, context.CancellationToken);
        var state = instance?.State?.Name?.Value;
        switch (state)
        {
            case null or "pending":
                return StepResult.WaitForInstance($"instance {instanceId} to be running (it is {state ?? "not yet visible"})");
            case "running":
                break;
            default:
                throw new SagaStepFailedException($"the new instance {instanceId} went to '{state}' before it was running");
        }

        if (SnapshotRules.BuildsVolumesOnLaunch(context.Spec) && !await AdoptLaunchedVolumesAsync(context, instance!))
        {
            return StepResult.Wait($"instance {instanceId} to report its data volumes");
        }

        var rootVolumeId = VolumeAt(instance!, context.Spec.LaunchSpecification.RootDeviceName) ?? context.State.RootVolumeId;
        if (context.Spec.Persistence.PersistRootDevice && rootVolumeId is not null)
        {
            await context.Volume(ResourceKeys.RootVolume).AdoptAsync(rootVolumeId, context.CancellationToken);
        }

        // A floating IP stays the managed instance's address; it goes onto the replacement's primary ENI, in the subnet
        // of the first launch.
        var floats = NetworkRules.Floats(context.Spec);
        return StepResult.Done(context.State with
        {
            RootVolumeId = rootVolumeId,
            PrivateIp = context.State.FloatingIp ?? instance!.PrivateIpAddress ?? context.State.PrivateIp,
            AvailabilityZone = instance!.Placement?.AvailabilityZone ?? context.State.AvailabilityZone,
            FloatingIpSubnetId = floats ? context.State.FloatingIpSubnetId ?? instance.SubnetId : context.State.FloatingIpSubnetId,
            Operation = context.Operation with
            {
                RunningAt = context.Now,
                ReplacementInterfaceId = (instance.NetworkInterfaces ?? []).FirstOrDefault(n => n.Attachment?.DeviceIndex == 0)?.NetworkInterfaceId,
            },
        });
    }

    private static string? VolumeAt(Instance instance, string deviceName) =>
        (instance.BlockDeviceMappings ?? []).FirstOrDefault(b => b.DeviceName == deviceName)?.Ebs?.VolumeId;

    /// <summary>The volumes an onLaunch replacement booted with, adopted by their volume grains; false until it reports them all.</summary>
    private static async Task<bool> AdoptLaunchedVolumesAsync(StepContext context, Instance instance)
    {
        foreach (var mapping in context.Spec.LaunchSpecification.BlockDeviceMappings)
        {
            if (VolumeAt(instance, mapping.DeviceName) is not { } volumeId)
            {
                return false;
            }

            await context.Volume(mapping.DeviceName).AdoptAsync(volumeId, context.CancellationToken);
        }

        return true;
    }
}
