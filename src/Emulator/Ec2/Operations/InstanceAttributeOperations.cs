using StatefulSpot.Emulator.Core;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>One <c>BlockDeviceMapping.N</c> of ModifyInstanceAttribute.</summary>
internal sealed record DeleteOnTerminationChange(string? DeviceName, string? VolumeId, bool? DeleteOnTermination);

/// <summary>ModifyInstanceAttribute's parameters: exactly one attribute per call.</summary>
internal sealed record ModifyInstanceAttributeArgs(
    string InstanceId, IReadOnlyList<DeleteOnTerminationChange> BlockDevices, bool? DisableApiTermination, bool? SourceDestCheck,
    IReadOnlyList<string> OtherAttributes);

/// <summary>
/// ModifyInstanceAttribute: DeleteOnTermination of attached volumes (the root included), termination protection, and
/// the primary interface's source/dest check. Other attributes are <c>UnsupportedOperation</c>.
/// </summary>
internal sealed class InstanceAttributeOperations(Ec2Context ctx)
{
    public void Modify(EmulatorState state, ModifyInstanceAttributeArgs args)
    {
        var instance = ctx.Lookup.Instance(state, args.InstanceId);
        var given = new[] { args.BlockDevices.Count > 0, args.DisableApiTermination is not null, args.SourceDestCheck is not null }.Count(g => g)
            + args.OtherAttributes.Count;
        if (given == 0)
        {
            throw Ec2Errors.MissingParameter("Attribute");
        }

        if (given > 1)
        {
            throw Ec2Errors.InvalidParameterCombination("Fields for multiple attribute types specified: only one attribute can be modified per call.");
        }

        if (args.OtherAttributes.Count > 0)
        {
            throw Ec2Errors.UnsupportedOperation($"The emulator does not model the instance attribute '{args.OtherAttributes[0]}'.");
        }

        if (args.DisableApiTermination is { } disable)
        {
            instance.DisableApiTermination = disable;
            return;
        }

        if (args.SourceDestCheck is { } check)
        {
            if (state.Ec2.PrimaryInterfaceOf(instance.InstanceId) is { } eni)
            {
                eni.SourceDestCheck = check;
            }

            return;
        }

        var attached = state.Ec2.VolumesAttachedTo(instance.InstanceId).ToList();
        var changes = args.BlockDevices.Select(change =>
        {
            var device = change.DeviceName ?? throw Ec2Errors.MissingParameter("BlockDeviceMapping.DeviceName");
            var volume = attached.FirstOrDefault(v => v.Attachment!.Device == device)
                ?? throw Ec2Errors.InvalidInstanceAttributeValue($"No device is currently mapped at {device}");
            if (change.VolumeId is { } volumeId && volumeId != volume.VolumeId)
            {
                throw Ec2Errors.InvalidInstanceAttributeValue($"The volume '{volumeId}' is not attached at {device}");
            }

            return (volume, change.DeleteOnTermination ?? throw Ec2Errors.MissingParameter("BlockDeviceMapping.Ebs.DeleteOnTermination"));
        }).ToList();
        changes.ForEach(c => c.volume.Attachment!.DeleteOnTermination = c.Item2);
    }
}
