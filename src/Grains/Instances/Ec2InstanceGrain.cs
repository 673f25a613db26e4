using Microsoft.Extensions.Logging;
using Orleans.Streams;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.Telemetry;

namespace StatefulSpot.Grains.Instances;

[GenerateSerializer, Alias("statefulspot.ec2-instance-state")]
public sealed record Ec2InstanceState
{
    [Id(0)] public string? ManagedInstanceId { get; init; }
    [Id(1)] public int Generation { get; init; }
}

/// <summary>
/// One EC2 instance (key i-…), activated by the <c>ec2-events</c> stream. It forwards the signals that can matter
/// to the owning managed instance, and ignores instances nobody owns without writing any state.
/// </summary>
[ImplicitStreamSubscription(StreamNames.Ec2Events)]
// Idle between operations (hours to weeks): collected soon after, so that a fleet's resource grains do not stay in memory.
[CollectionAgeLimit(Minutes = 2)]
public sealed partial class Ec2InstanceGrain(
    [PersistentState("ec2-instance", StorageNames.Instances)] IPersistentState<Ec2InstanceState> store,
    StatefulSpotMetrics metrics,
    TimeProvider time,
    ILogger<Ec2InstanceGrain> logger) : Grain, IEc2InstanceGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(StreamNames.Provider)
            .GetStream<Ec2Event>(StreamId.Create(StreamNames.Ec2Events, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((notice, _) => OnNoticeAsync(notice));
    }

    public async Task SetOwnerAsync(string managedInstanceId, int generation, CancellationToken cancellationToken = default)
    {
        if (store.State.ManagedInstanceId == managedInstanceId && store.State.Generation == generation)
        {
            return;
        }

        store.State = new Ec2InstanceState { ManagedInstanceId = managedInstanceId, Generation = generation };
        await store.WriteStateAsync(cancellationToken);
    }

    public Task<string?> GetOwnerAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(store.State.ManagedInstanceId);

    private async Task OnNoticeAsync(Ec2Event notice)
    {
        // Queue lag: EventBridge's event time (whole seconds) to delivery here, through the SQS queue and the stream.
        metrics.EventDelivered(notice.Kind, time.GetUtcNow() - notice.Time);
        if (store.State.ManagedInstanceId is not { } owner)
        {
            LogUnowned(notice.InstanceId, notice.Kind, notice.EventId);
            return;
        }

        // The owner decides, in one place (NoticePolicy): a state change may start a recovery, or end a step's wait.
        await GrainFactory.GetGrain<IManagedInstanceGrain>(owner).AcceptNoticeAsync(notice);
    }

    [LoggerMessage(1, LogLevel.Debug, "Instance {InstanceId} has no managed instance; ignored {Kind} {EventId}")]
    private partial void LogUnowned(string instanceId, Ec2EventKind kind, string eventId);
}
