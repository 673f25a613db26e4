using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>ModifyNetworkInterfaceAttribute's parameters: exactly one attribute per call.</summary>
internal sealed record ModifyNetworkInterfaceArgs(
    string NetworkInterfaceId, string? Description, bool? SourceDestCheck, IReadOnlyList<string> SecurityGroupIds,
    string? AttachmentId, bool? AttachmentDeleteOnTermination);

/// <summary>
/// AttachNetworkInterface, DetachNetworkInterface (never the interface at device index 0) and
/// ModifyNetworkInterfaceAttribute (description, source/dest check, groups, attachment DeleteOnTermination).
/// </summary>
internal sealed class NetworkInterfaceAttachmentOperations(Ec2Context ctx)
{
    public NetworkInterface Attach(EmulatorState state, string eniId, string instanceId, int deviceIndex)
    {
        var eni = ctx.Lookup.NetworkInterface(state, eniId);
        var instance = ctx.Lookup.Instance(state, instanceId);
        if (eni.Attachment is not null || eni.Status != NetworkInterfaceStatus.Available)
        {
            throw Ec2Errors.InterfaceInUseAtLaunch(eniId);
        }

        if (instance.State is not (InstanceStateName.Running or InstanceStateName.Stopped))
        {
            throw Ec2Errors.IncorrectInstanceState($"The instance '{instanceId}' is not in a valid state for this operation.");
        }

        if (eni.AvailabilityZone != instance.AvailabilityZone)
        {
            throw Ec2Errors.InvalidParameterCombination(
                $"You may not attach a network interface to an instance if they are not in the same availability zone (interface '{eniId}' is in {eni.AvailabilityZone}, instance '{instanceId}' in {instance.AvailabilityZone}).");
        }

        if (deviceIndex < 0)
        {
            throw Ec2Errors.InvalidValue(deviceIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), "DeviceIndex");
        }

        if (state.Ec2.InterfacesAttachedTo(instanceId).Any(n => n.Attachment!.DeviceIndex == deviceIndex))
        {
            throw Ec2Errors.InvalidParameterValue($"Instance '{instanceId}' already has an interface attached at device index '{deviceIndex}'.");
        }

        var now = ctx.Now;
        eni.Status = NetworkInterfaceStatus.InUse;
        state.Ec2.SetAttachment(eni, NetworkInterfaceOperations.NewAttachment(instanceId, deviceIndex, deleteOnTermination: false, now));
        state.Timeline.Schedule(now + ctx.Durations.NetworkInterfaceAttachment, TransitionKind.NetworkInterfaceAttached, eniId,
            eni.Attachment!.AttachmentId);
        return eni;
    }

    public void Detach(EmulatorState state, string attachmentId)
    {
        var eni = FindByAttachment(state, attachmentId);
        var attachment = eni.Attachment!;
        if (attachment.DeviceIndex == 0)
        {
            throw Ec2Errors.OperationNotPermitted("The network interface at device index 0 cannot be detached.");
        }

        if (attachment.State != AttachmentState.Detaching)
        {
            attachment.State = AttachmentState.Detaching;
            eni.Status = NetworkInterfaceStatus.Detaching;
            state.Timeline.Schedule(ctx.Now + ctx.Durations.NetworkInterfaceAttachment, TransitionKind.NetworkInterfaceDetached,
                eni.NetworkInterfaceId, attachmentId);
        }
    }

    public void Modify(EmulatorState state, ModifyNetworkInterfaceArgs args)
    {
        var eni = ctx.Lookup.NetworkInterface(state, args.NetworkInterfaceId);
        var given = new[]
        {
            args.Description is not null, args.SourceDestCheck is not null, args.SecurityGroupIds.Count > 0,
            args.AttachmentId is not null || args.AttachmentDeleteOnTermination is not null,
        }.Count(g => g);
        if (given == 0)
        {
            throw Ec2Errors.MissingParameter("Description, SourceDestCheck, SecurityGroupId or Attachment");
        }

        if (given > 1)
        {
            throw Ec2Errors.InvalidParameterCombination("Fields for multiple attribute types specified: only one attribute can be modified per call.");
        }

        if (args.Description is { } description)
        {
            eni.Description = description;
        }
        else if (args.SourceDestCheck is { } check)
        {
            eni.SourceDestCheck = check;
        }
        else if (args.SecurityGroupIds.Count > 0)
        {
            eni.SecurityGroupIds = [.. args.SecurityGroupIds.Distinct(StringComparer.Ordinal)];
        }
        else
        {
            var attachmentId = args.AttachmentId ?? throw Ec2Errors.MissingParameter("Attachment.AttachmentId");
            var deleteOnTermination = args.AttachmentDeleteOnTermination ?? throw Ec2Errors.MissingParameter("Attachment.DeleteOnTermination");
            if (eni.Attachment?.AttachmentId != attachmentId)
            {
                throw Ec2Errors.AttachmentNotFound(attachmentId);
            }

            eni.Attachment.DeleteOnTermination = deleteOnTermination;
        }
    }

    /// <summary>Timed: attachment <c>attaching → attached</c>.</summary>
    public static void OnAttached(EmulatorState state, string eniId, string? attachmentId)
    {
        if (state.Ec2.NetworkInterfaces.TryGetValue(eniId, out var eni)
            && eni.Attachment is { State: AttachmentState.Attaching } attachment && attachment.AttachmentId == attachmentId)
        {
            attachment.State = AttachmentState.Attached;
        }
    }

    /// <summary>Timed: attachment <c>detaching → (gone)</c>, interface <c>available</c>.</summary>
    public static void OnDetached(EmulatorState state, string eniId, string? attachmentId)
    {
        if (state.Ec2.NetworkInterfaces.TryGetValue(eniId, out var eni)
            && eni.Attachment is { State: AttachmentState.Detaching } attachment && attachment.AttachmentId == attachmentId)
        {
            state.Ec2.SetAttachment(eni, null);
            eni.Status = NetworkInterfaceStatus.Available;
        }
    }

    private NetworkInterface FindByAttachment(EmulatorState state, string attachmentId) =>
        state.Ec2.NetworkInterfaces.Values.FirstOrDefault(n => n.Attachment?.AttachmentId == attachmentId && ctx.Lookup.IsVisible(n))
        ?? throw Ec2Errors.AttachmentNotFound(attachmentId);
}
