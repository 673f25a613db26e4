using System.Text.RegularExpressions;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Ec2.Query;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>One <c>BlockDeviceMapping.N</c> of RegisterImage / CreateImage.</summary>
internal sealed record ImageMappingArgs(
    string? DeviceName, bool NoDevice, string? SnapshotId, int? VolumeSize, string? VolumeType, bool? DeleteOnTermination);

/// <summary>RegisterImage's parameters.</summary>
internal sealed record RegisterImageArgs(
    string? Name, string? Description, string? ImageLocation, string? RootDeviceName, string? Architecture, string? VirtualizationType,
    bool? EnaSupport, IReadOnlyList<ImageMappingArgs> Mappings, Dictionary<string, string> Tags);

/// <summary>CreateImage's parameters.</summary>
internal sealed record CreateImageArgs(
    string InstanceId, string? Name, string? Description, IReadOnlyList<ImageMappingArgs> Mappings,
    Dictionary<string, string> ImageTags, Dictionary<string, string> SnapshotTags);

/// <summary>
/// Images: RegisterImage from completed snapshots (<c>pending</c> for <see cref="EmulatorOptions.ImageAvailableDuration"/>),
/// CreateImage from an instance (snapshots every attached volume; <c>available</c> after the last snapshot completes),
/// DescribeImages, DeregisterImage. The instance is never rebooted, whatever <c>NoReboot</c> says.
/// </summary>
internal sealed partial class ImageOperations(Ec2Context ctx, SnapshotOperations snapshots)
{
    public FilterFields<MachineImage> Filters { get; } = new FilterFields<MachineImage>(i => i.Tags)
        .Add("image-id", i => i.ImageId)
        .Add("name", i => i.Name)
        .Add("description", i => i.Description)
        .Add("state", i => i.State.ToWire())
        .Add("owner-alias", i => i.OwnerAlias)
        .Add("owner-id", i => i.OwnerAlias is null ? ctx.Options.AccountId : Snapshot.AmazonOwnerId)
        .Add("architecture", i => i.Architecture)
        .Add("virtualization-type", i => i.VirtualizationType)
        .Add("root-device-name", i => i.RootDeviceName)
        .Add("root-device-type", _ => "ebs")
        .Add("image-type", _ => "machine")
        .Add("is-public", i => i.OwnerAlias is null ? "false" : "true")
        .Add("ena-support", i => i.EnaSupport ? "true" : "false")
        .Add("source-instance-id", i => i.SourceInstanceId)
        .AddMany("block-device-mapping.snapshot-id", i => i.SnapshotIds)
        .AddMany("block-device-mapping.device-name", i => new[] { i.RootDeviceName }.Concat(i.AdditionalDevices.Select(d => d.DeviceName)));

    public MachineImage Register(EmulatorState state, RegisterImageArgs args)
    {
        var name = RequireName(state, args.Name);
        if (args.ImageLocation is not null)
        {
            throw Ec2Errors.InvalidParameterValue("The emulator registers EBS-backed images from snapshots only; ImageLocation is not supported.");
        }

        var rootDevice = args.RootDeviceName ?? "/dev/sda1";
        var root = args.Mappings.FirstOrDefault(m => m.DeviceName == rootDevice && !m.NoDevice)
            ?? throw Ec2Errors.InvalidBlockDeviceMapping($"The root device name '{rootDevice}' must be mapped to an EBS snapshot in BlockDeviceMapping.");
        var rootSnapshot = CompletedSnapshot(state, root.SnapshotId ?? throw Ec2Errors.MissingParameter($"BlockDeviceMapping ({rootDevice}) Ebs.SnapshotId"));
        var rootSize = MappedSize(root, rootSnapshot, rootDevice);
        var rootType = root.VolumeType ?? VolumeTypes.Default;
        VolumeTypes.Validate(rootType, rootSize, iops: rootType is "io1" or "io2" ? 3000 : null, throughput: null);
        var additional = AdditionalDevices(state, args.Mappings.Where(m => m.DeviceName != rootDevice));
        var image = new MachineImage
        {
            ImageId = ResourceIds.New("ami"),
            Sequence = state.Ec2.NextSequence(),
            Name = name,
            Description = args.Description ?? "",
            State = ImageState.Pending,
            RootDeviceName = rootDevice,
            RootSnapshotId = rootSnapshot.SnapshotId,
            RootVolumeSize = rootSize,
            RootVolumeType = rootType,
            RootDeleteOnTermination = root.DeleteOnTermination ?? true,
            Architecture = args.Architecture ?? "i386",
            VirtualizationType = args.VirtualizationType ?? "paravirtual",
            EnaSupport = args.EnaSupport ?? false,
            CreationDate = ctx.Now,
            AdditionalDevices = additional,
            Tags = args.Tags,
        };
        state.Ec2.Images[image.ImageId] = image;
        state.Timeline.Schedule(ctx.Now + ctx.Durations.ImageAvailable, TransitionKind.ImageAvailable, image.ImageId);
        return image;
    }

    public MachineImage Create(EmulatorState state, CreateImageArgs args)
    {
        var instance = ctx.Lookup.Instance(state, args.InstanceId);
        var name = RequireName(state, args.Name);
        if (instance.State is not (InstanceStateName.Running or InstanceStateName.Stopped))
        {
            throw Ec2Errors.IncorrectInstanceState($"Instance '{instance.InstanceId}' is not in a state from which an image can be created.");
        }

        var view = new InstanceView(instance, state.Ec2);
        var excluded = args.Mappings.Where(m => m.NoDevice).Select(m => m.DeviceName).ToHashSet(StringComparer.Ordinal);
        var taken = view.Volumes.Where(v => v.Attachment!.Device == instance.RootDeviceName || !excluded.Contains(v.Attachment.Device))
            .Select(v => (Volume: v, Snapshot: snapshots.Take(state, v, $"Created by CreateImage({instance.InstanceId}) for {name}",
                new Dictionary<string, string>(args.SnapshotTags, StringComparer.Ordinal))))
            .ToList();
        var root = taken.FirstOrDefault(t => t.Volume.Attachment!.Device == instance.RootDeviceName);
        var image = new MachineImage
        {
            ImageId = ResourceIds.New("ami"),
            Sequence = state.Ec2.NextSequence(),
            Name = name,
            Description = args.Description ?? "",
            State = ImageState.Pending,
            RootDeviceName = instance.RootDeviceName,
            RootSnapshotId = root.Snapshot?.SnapshotId,
            RootVolumeSize = root.Volume?.Size ?? 0,
            RootVolumeType = root.Volume?.VolumeType ?? VolumeTypes.Default,
            RootDeleteOnTermination = root.Volume?.Attachment?.DeleteOnTermination ?? true,
            SourceInstanceId = instance.InstanceId,
            CreationDate = ctx.Now,
            AdditionalDevices = taken.Where(t => t.Volume != root.Volume)
                .Select(t => new ImageBlockDevice(t.Volume.Attachment!.Device, t.Snapshot.SnapshotId, t.Volume.Size, t.Volume.VolumeType,
                    t.Volume.Attachment.DeleteOnTermination))
                .ToList(),
            Tags = args.ImageTags,
        };
        state.Ec2.Images[image.ImageId] = image;
        var lastSnapshot = taken.Select(t => t.Snapshot.CompletionTime).DefaultIfEmpty(ctx.Now).Max();
        state.Timeline.Schedule(lastSnapshot + ctx.Durations.ImageAvailable, TransitionKind.ImageAvailable, image.ImageId);
        return image;
    }

    /// <summary>DescribeImages: ids, owners (<c>self</c>, <c>amazon</c> or an account id), filters.</summary>
    public IReadOnlyList<MachineImage> Describe(EmulatorState state, IReadOnlyList<string> ids, IReadOnlyList<string> owners, IReadOnlyList<Ec2Filter> filters)
    {
        var matches = Filters.Compile(filters);
        var candidates = ids.Count > 0 ? ctx.Lookup.Images(state, ids) : state.Ec2.Images.Values.Where(ctx.Lookup.IsVisible);
        return candidates.Where(i => owners.Count == 0 || owners.Any(o => OwnedBy(i, o))).Where(matches).OrderBy(i => i.Sequence).ToList();
    }

    /// <summary>DeregisterImage; with <paramref name="deleteSnapshots"/> the image's own snapshots no other image uses are deleted too.</summary>
    public IReadOnlyList<string> Deregister(EmulatorState state, string imageId, bool deleteSnapshots)
    {
        var image = ctx.Lookup.Image(state, imageId);
        if (image.OwnerAlias is not null)
        {
            throw Ec2Errors.Unauthorized();
        }

        state.Ec2.Images.Remove(imageId);
        if (!deleteSnapshots)
        {
            return [];
        }

        var deleted = image.SnapshotIds
            .Where(id => state.Ec2.Snapshots.ContainsKey(id) && !state.Ec2.Images.Values.Any(i => i.SnapshotIds.Contains(id, StringComparer.Ordinal)))
            .ToList();
        deleted.ForEach(id => state.Ec2.Snapshots.Remove(id));
        return deleted;
    }

    /// <summary>Timed: <c>pending → available</c> once every snapshot completed; a deleted snapshot fails the image.</summary>
    public void OnAvailable(EmulatorState state, string imageId)
    {
        if (state.Ec2.Images.GetValueOrDefault(imageId) is not { State: ImageState.Pending } image)
        {
            return;
        }

        var parts = image.SnapshotIds.Select(id => (Id: id, Snapshot: state.Ec2.Snapshots.GetValueOrDefault(id))).ToList();
        if (parts.FirstOrDefault(p => p.Snapshot is null) is { Id: { } missing })
        {
            image.State = ImageState.Failed;
            image.StateReason = $"Client.InvalidSnapshot.NotFound: snapshot {missing} was deleted";
        }
        else if (parts.Select(p => p.Snapshot!).Where(s => s.State == SnapshotState.Pending).Select(s => (DateTimeOffset?)s.CompletionTime).Max() is { } later)
        {
            state.Timeline.Schedule(later + ctx.Durations.ImageAvailable, TransitionKind.ImageAvailable, imageId);
        }
        else
        {
            image.State = ImageState.Available;
        }
    }

    private string RequireName(EmulatorState state, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw Ec2Errors.MissingParameter("Name");
        }

        if (!NamePattern().IsMatch(name))
        {
            throw Ec2Errors.AmiNameMalformed(name);
        }

        return state.Ec2.Images.Values.FirstOrDefault(i => i.OwnerAlias is null && i.Name == name) is { } duplicate
            ? throw Ec2Errors.AmiNameDuplicate(name, duplicate.ImageId)
            : name;
    }

    private Snapshot CompletedSnapshot(EmulatorState state, string snapshotId)
    {
        var snapshot = ctx.Lookup.Snapshot(state, snapshotId);
        return snapshot.State == SnapshotState.Completed
            ? snapshot
            : throw Ec2Errors.IncorrectState($"Snapshot '{snapshotId}' is not 'completed' (it is '{snapshot.State.ToWire()}').");
    }

    private static int MappedSize(ImageMappingArgs mapping, Snapshot snapshot, string device)
    {
        var size = mapping.VolumeSize ?? snapshot.VolumeSize;
        return size < snapshot.VolumeSize
            ? throw Ec2Errors.InvalidBlockDeviceMapping(
                $"Volume of size {size}GB is smaller than snapshot '{snapshot.SnapshotId}' for {device}, expect size >= {snapshot.VolumeSize}GB")
            : size;
    }

    private List<ImageBlockDevice> AdditionalDevices(EmulatorState state, IEnumerable<ImageMappingArgs> mappings)
    {
        var devices = new List<ImageBlockDevice>();
        foreach (var mapping in mappings.Where(m => !m.NoDevice))
        {
            var device = mapping.DeviceName ?? throw Ec2Errors.MissingParameter("BlockDeviceMapping.DeviceName");
            var snapshot = mapping.SnapshotId is { } id ? CompletedSnapshot(state, id) : null;
            var size = snapshot is not null ? MappedSize(mapping, snapshot, device)
                : mapping.VolumeSize ?? throw Ec2Errors.InvalidBlockDeviceMapping($"The device '{device}' must specify a volume size or a snapshot.");
            var type = mapping.VolumeType ?? VolumeTypes.Default;
            VolumeTypes.Validate(type, size, iops: type is "io1" or "io2" ? 3000 : null, throughput: null);
            devices.Add(new ImageBlockDevice(device, snapshot?.SnapshotId, size, type, mapping.DeleteOnTermination ?? true));
        }

        return devices;
    }

    private bool OwnedBy(MachineImage image, string owner) => owner switch
    {
        "self" => image.OwnerAlias is null,
        "amazon" => image.OwnerAlias == "amazon",
        _ => owner == (image.OwnerAlias is null ? ctx.Options.AccountId : Snapshot.AmazonOwnerId),
    };

    [GeneratedRegex(@"^[A-Za-z0-9()\[\] ./\-'@_]{3,128}$")]
    private static partial Regex NamePattern();
}
