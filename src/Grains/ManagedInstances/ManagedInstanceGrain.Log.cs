using Microsoft.Extensions.Logging;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

public sealed partial class ManagedInstanceGrain
{
    [LoggerMessage(1, LogLevel.Information, "{ManagedInstanceId}: {Kind} started by {Trigger}, generation {Generation}")]
    private partial void LogOperationStarted(string managedInstanceId, OperationKind kind, OperationTrigger trigger, int generation);

    [LoggerMessage(2, LogLevel.Debug, "{ManagedInstanceId}: {Kind} step {Step} done in {Elapsed}")]
    private partial void LogStepCompleted(string managedInstanceId, OperationKind kind, SagaStep step, TimeSpan elapsed);

    [LoggerMessage(3, LogLevel.Warning, "{ManagedInstanceId}: step {Step} attempt {Attempt} failed, retrying in {Delay}: {Error}")]
    private partial void LogStepRetry(string managedInstanceId, SagaStep step, int attempt, TimeSpan delay, string error);

    [LoggerMessage(4, LogLevel.Error, "{ManagedInstanceId}: {Kind} failed at step {Step}: {Error}")]
    private partial void LogOperationFailed(string managedInstanceId, OperationKind kind, SagaStep step, string error);

    [LoggerMessage(5, LogLevel.Information, "{ManagedInstanceId}: {Kind} complete, generation {Generation} on {InstanceId}, downtime {Downtime}")]
    private partial void LogOperationCompleted(string managedInstanceId, OperationKind kind, int generation, string? instanceId, TimeSpan? downtime);

    [LoggerMessage(EventId = 6, Message = "{ManagedInstanceId}: ignored {Kind} {EventId} for {InstanceId}: {Reason}")]
    private partial void LogNoticeIgnored(LogLevel level, string managedInstanceId, Ec2EventKind kind, string instanceId, string eventId, string reason);

    [LoggerMessage(7, LogLevel.Information, "{ManagedInstanceId}: spec updated; launch settings apply at the next launch")]
    private partial void LogUpdated(string managedInstanceId);

    [LoggerMessage(8, LogLevel.Warning, "{ManagedInstanceId}: reconciliation found instance {InstanceId} drifted: {Drift}")]
    private partial void LogDrift(string managedInstanceId, string instanceId, string drift);

    [LoggerMessage(9, LogLevel.Debug, "{ManagedInstanceId}: continuous snapshot pass of {Devices}")]
    private partial void LogSnapshotPass(string managedInstanceId, string devices);

    [LoggerMessage(10, LogLevel.Warning, "{ManagedInstanceId}: continuous snapshot pass failed, next one in {Interval}: {Error}")]
    private partial void LogSnapshotPassFailed(string managedInstanceId, TimeSpan interval, string error);

    [LoggerMessage(11, LogLevel.Debug, "{ManagedInstanceId}: step {Step} waits {Delay} for EC2's API budget: {Error}")]
    private partial void LogStepThrottled(string managedInstanceId, SagaStep step, TimeSpan delay, string error);

    [LoggerMessage(12, LogLevel.Debug, "{ManagedInstanceId}: {Kind} {EventId} for {InstanceId} ({Detail}) wakes the running operation")]
    private partial void LogWoken(string managedInstanceId, Ec2EventKind kind, string eventId, string instanceId, string? detail);
}
