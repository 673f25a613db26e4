using Amazon.EC2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Ec2.Gateway;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances.Saga;
using StatefulSpot.Grains.Telemetry;

namespace StatefulSpot.Grains.Reconciliation;

/// <summary>
/// Lists the live instances StatefulSpot tagged, one DescribeInstances per page, and tells every Active managed
/// instance what its instance looks like: EC2 calls grow with pages, not with managed instances. An instance tagged as
/// ours that no state records, older than <see cref="ReconcilerOptions.UnrecordedGrace"/> and launched by this cluster
/// (<see cref="TagKeys.Cluster"/>), is terminated (a launch whose answer was lost, a managed instance deleted while it
/// launched): nothing of ours runs, and bills, unrecorded.
/// </summary>
public sealed partial class ReconcilerGrain(
    IEc2Api ec2,
    IOptions<ReconcilerOptions> options,
    IOptions<ClusterOptions> cluster,
    TimeProvider time,
    StatefulSpotMetrics metrics,
    ILogger<ReconcilerGrain> logger) : Grain, IReconcilerGrain
{
    /// <summary>The most instance ids EC2 takes in one TerminateInstances call.</summary>
    private const int TerminateBatch = 1000;

    private readonly ReconcilerOptions _options = options.Value;
    private readonly Dictionary<string, (SettledInstance Settled, DateTimeOffset ReadAt)> _known = new(StringComparer.Ordinal);
    private IGrainTimer? _timer;
    private DateTimeOffset _lastArtifactSweep = DateTimeOffset.MinValue;

    public Task ForgetAsync(string managedInstanceId)
    {
        _known.Remove(managedInstanceId);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_options.Enabled)
        {
            _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions
            {
                DueTime = _options.Interval,
                Period = _options.Interval,
                KeepAlive = true,
            });
        }

        return Task.CompletedTask;
    }

    public async Task<ReconcileReport> ReconcileOnceAsync(CancellationToken cancellationToken = default)
    {
        var observedAt = time.GetUtcNow();
        var (instances, calls) = await ListTaggedInstancesAsync(cancellationToken);
        var ids = await GrainFactory.GetGrain<IManagedInstanceRegistryGrain>(IManagedInstanceRegistryGrain.Key).ListAsync(cancellationToken);
        var corrected = new List<string>();
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var grain = GrainFactory.GetGrain<IManagedInstanceGrain>(id);
            if (await SettledOfAsync(id, grain, observedAt, cancellationToken) is not { } settled)
            {
                continue;
            }

            recorded.Add(settled.InstanceId);
            instances.TryGetValue(settled.InstanceId, out var instance);
            if (!ObservationFilter.MayNeedAction(settled, instance))
            {
                // Running as last seen, every volume attached, nothing to revert: the managed instance would answer no.
                continue;
            }

            var observation = new InstanceObservation
            {
                InstanceId = settled.InstanceId,
                State = instance?.State,
                AttachedVolumeIds = instance?.AttachedVolumeIds ?? [],
                ObservedAt = observedAt,
            };
            if (await grain.ReconcileAsync(observation, cancellationToken))
            {
                corrected.Add(id);
            }
        }

        var registered = ids.ToHashSet(StringComparer.Ordinal);
        var unrecorded = await TerminateUnrecordedAsync(instances, recorded, registered, observedAt, cancellationToken);
        IReadOnlyList<string> artifacts = [];
        if (_options.ArtifactSweepInterval > TimeSpan.Zero && observedAt - _lastArtifactSweep >= _options.ArtifactSweepInterval)
        {
            _lastArtifactSweep = observedAt;
            artifacts = await new ArtifactSweep(ec2, GrainFactory, metrics, logger).RunAsync(registered, observedAt, _options.UnrecordedGrace, cancellationToken);
        }

        LogPass(ids.Count, instances.Count, calls, corrected.Count);
        return new ReconcileReport
        {
            ManagedInstances = ids.Count, InstancesSeen = instances.Count, Ec2Calls = calls, Corrected = corrected, UnrecordedTerminated = unrecorded,
            UnrecordedArtifactsDeleted = artifacts,
        };
    }

    /// <summary>Terminates the instances tagged as ours that no managed instance records (its owner asked, when it exists).</summary>
    private async Task<IReadOnlyList<string>> TerminateUnrecordedAsync(Dictionary<string, ObservedInstance> instances, HashSet<string> recorded,
        IReadOnlySet<string> registered, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var leftovers = new List<string>();
        foreach (var (instanceId, owner, isRegistered) in UnrecordedInstances.Candidates(instances, recorded, registered, now, _options.UnrecordedGrace,
            cluster.Value.ClusterId))
        {
            if (!isRegistered || await GrainFactory.GetGrain<IManagedInstanceGrain>(owner).IsUnrecordedAsync(instanceId, cancellationToken))
            {
                LogUnrecorded(instanceId, owner, isRegistered ? "its state does not record it" : "no such managed instance exists");
                leftovers.Add(instanceId);
            }
        }

        using var priority = Ec2CallContext.Use(Ec2CallPriority.Background, DateTimeOffset.MaxValue);
        foreach (var batch in leftovers.Chunk(TerminateBatch))
        {
            await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [.. batch] }, cancellationToken);
            metrics.UnrecordedInstancesTerminated(batch.Length);
        }

        return leftovers;
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReconcileOnceAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogPassFailed(exception);
        }
    }

    private async Task<(Dictionary<string, ObservedInstance> Instances, int Calls)> ListTaggedInstancesAsync(CancellationToken cancellationToken)
    {
        // Reconciliation is the least urgent EC2 work: recoveries, creates and snapshots go first.
        using var priority = Ec2CallContext.Use(Ec2CallPriority.Background, DateTimeOffset.MaxValue);
        var instances = new Dictionary<string, ObservedInstance>(StringComparer.Ordinal);
        var calls = 0;
        string? nextToken = null;
        do
        {
            var page = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest
            {
                Filters = [new Filter("tag-key", [TagKeys.ManagedInstance]), new Filter("instance-state-name", [.. TaggedInstances.LiveStates])],
                MaxResults = _options.PageSize,
                NextToken = nextToken,
            }, cancellationToken);
            calls++;
            foreach (var instance in (page.Reservations ?? []).SelectMany(r => r.Instances ?? []))
            {
                instances[instance.InstanceId] = ObservedInstance.Of(instance);
            }

            nextToken = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        }
        while (nextToken is not null);

        return (instances, calls);
    }

    /// <summary>
    /// What the loop compares of an Active managed instance (null for any other): remembered while it stays settled
    /// (forgotten when an operation of it ends, and re-read after <see cref="ReconcilerOptions.ViewMaxAge"/>), else
    /// read from the grain's view.
    /// </summary>
    private async Task<SettledInstance?> SettledOfAsync(string id, IManagedInstanceGrain grain, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(id, out var known) && now - known.ReadAt < _options.ViewMaxAge)
        {
            return known.Settled;
        }

        var view = await TryGetAsync(grain, cancellationToken);
        var settled = view is null ? null : SettledInstance.Of(view);
        if (settled is not null && view is { CurrentStep: null })
        {
            _known[id] = (settled, now);
        }
        else
        {
            _known.Remove(id);
        }

        return settled;
    }

    private static async Task<ManagedInstanceView?> TryGetAsync(IManagedInstanceGrain grain, CancellationToken cancellationToken)
    {
        try
        {
            return await grain.GetAsync(cancellationToken);
        }
        catch (ManagedInstanceNotFoundException)
        {
            return null;
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Reconciled {ManagedInstances} managed instance(s) against {Instances} instance(s) in {Calls} EC2 call(s); corrected {Corrected}")]
    private partial void LogPass(int managedInstances, int instances, int calls, int corrected);

    [LoggerMessage(2, LogLevel.Warning, "A reconciliation pass failed; the next one runs at the next interval")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Terminating instance {InstanceId}, tagged for managed instance {ManagedInstanceId}: {Reason}")]
    private partial void LogUnrecorded(string instanceId, string managedInstanceId, string reason);
}
