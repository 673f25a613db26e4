using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>Turns durable state into what clients see.</summary>
public static class ManagedInstanceViews
{
    /// <summary>The view of <paramref name="state"/>, with <paramref name="volumes"/> as the volume grains hold them.</summary>
    public static ManagedInstanceView From(string id, ManagedInstanceState state, IReadOnlyList<VolumeView> volumes) => new()
    {
        Id = id,
        Spec = state.Spec!,
        Status = state.Status,
        Generation = state.Generation,
        InstanceId = state.InstanceId,
        PrivateIp = state.PrivateIp,
        NetworkInterfaceId = state.NetworkInterfaceId,
        AvailabilityZone = state.AvailabilityZone,
        Volumes = volumes,
        LastError = state.LastError,
        CurrentStep = state.Operation?.Step.ToString(),
        History = state.History,
        InstanceType = state.InstanceType,
        Market = state.Market,
        ImageId = state.RootImages.LastOrDefault()?.ImageId ?? state.Spec?.LaunchSpecification.ImageId,
        RootVolumeId = state.RootVolumeId,
    };

    public static OperationRecord Record(SagaCursor operation, int generation, DateTimeOffset now, string? error) => new()
    {
        Kind = operation.Kind,
        Trigger = operation.Trigger,
        Generation = generation,
        StartedAt = operation.StartedAt,
        FinishedAt = now,
        OldInstanceId = operation.OldInstanceId,
        NewInstanceId = operation.NewInstanceId,
        NoticeId = operation.NoticeId,
        NoticeAt = operation.NoticeAt,
        OldTerminatedAt = operation.OldTerminatedAt,
        ReplacementLaunchedAt = operation.LaunchedAt,
        ReplacementRunningAt = operation.RunningAt,
        VolumesAttachedAt = operation.AttachedAt,
        Downtime = operation.AttachedAt is { } up && VolumesFreedAt(operation) is { } down ? up - down : null,
        Error = error,
        Placement = operation.Placement,
        ServiceStoppedAt = operation.ServiceStoppedAt,
        ServiceRestoredAt = RestoredAt(operation),
        AppDowntime = operation.ServiceStoppedAt is { } stopped && RestoredAt(operation) is { } restored ? restored - stopped : null,
    };

    /// <summary>
    /// When the volumes left the old instance on EC2's side: its termination, or, where an early cutover moved them
    /// before it (the old instance terminated only after the attach), the cutover.
    /// </summary>
    private static DateTimeOffset? VolumesFreedAt(SagaCursor operation) =>
        operation.OldTerminatedAt is { } terminated && (operation.AttachedAt is not { } attached || terminated <= attached)
            ? terminated
            : operation.ServiceStoppedAt;

    /// <summary>
    /// When the replacement serves again: the last of running, every volume attached, and the address put on it; null
    /// until all that the operation does of them has happened.
    /// </summary>
    public static DateTimeOffset? RestoredAt(SagaCursor operation)
    {
        if (operation is not { RunningAt: { } running, AttachedAt: { } attached })
        {
            return null;
        }

        var restored = running > attached ? running : attached;
        var movesAddress = operation.Plan.Contains(SagaStep.AssociateElasticIp) || operation.Plan.Contains(SagaStep.MoveFloatingIp);
        return !movesAddress ? restored
            : operation.AddressInPlaceAt is { } address ? (address > restored ? address : restored)
            : null;
    }
}
