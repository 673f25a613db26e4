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
        Downtime = operation is { OldTerminatedAt: { } down, AttachedAt: { } up } ? up - down : null,
        Error = error,
        Placement = operation.Placement,
    };
}
