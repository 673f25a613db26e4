using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>Turns durable state into what clients see.</summary>
public static class ManagedInstanceViews
{
    public static ManagedInstanceView From(string id, ManagedInstanceState state) => new()
    {
        Id = id,
        Spec = state.Spec!,
        Status = state.Status,
        Generation = state.Generation,
        InstanceId = state.InstanceId,
        PrivateIp = state.PrivateIp,
        NetworkInterfaceId = state.NetworkInterfaceId,
        AvailabilityZone = state.AvailabilityZone,
        Volumes = state.Volumes,
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
