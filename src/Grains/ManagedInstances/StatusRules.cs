using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>Which user operation each status allows, and the status an operation runs and ends in: a pure table.</summary>
public static class StatusRules
{
    public static bool Allows(ManagedInstanceStatus status, string operation) => operation switch
    {
        "pause" or "recycle" => status is ManagedInstanceStatus.Active or ManagedInstanceStatus.Error,
        "resume" or "delete-volume" => status is ManagedInstanceStatus.Paused,
        "update" => status is ManagedInstanceStatus.Active or ManagedInstanceStatus.Paused or ManagedInstanceStatus.Error,
        "delete" => status is not (ManagedInstanceStatus.Deleting or ManagedInstanceStatus.Deleted),
        _ => false,
    };

    public static ManagedInstanceStatus Running(OperationKind kind) => kind switch
    {
        OperationKind.Create or OperationKind.Import => ManagedInstanceStatus.Creating,
        OperationKind.Recycle => ManagedInstanceStatus.Recycling,
        OperationKind.Pause => ManagedInstanceStatus.Pausing,
        OperationKind.Resume => ManagedInstanceStatus.Resuming,
        OperationKind.Delete => ManagedInstanceStatus.Deleting,
        OperationKind.Repair => ManagedInstanceStatus.Active,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static ManagedInstanceStatus Finished(OperationKind kind) => kind switch
    {
        OperationKind.Pause => ManagedInstanceStatus.Paused,
        OperationKind.Delete => ManagedInstanceStatus.Deleted,
        _ => ManagedInstanceStatus.Active,
    };
}
