using System.Diagnostics;
using System.Diagnostics.Metrics;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Grains.Telemetry;

/// <summary>
/// StatefulSpot's own meter (<see cref="MeterName"/>) and activity source (<see cref="ActivitySourceName"/>).
/// One instance per service provider, created through <see cref="IMeterFactory"/>, so that two silos in one
/// process (tests) each measure their own work.
/// </summary>
public sealed class StatefulSpotMetrics
{
    /// <summary>The meter to subscribe to, e.g. with OpenTelemetry's <c>AddMeter</c>.</summary>
    public const string MeterName = "StatefulSpot";

    /// <summary>The activity source of saga-step and EC2-call spans.</summary>
    public const string ActivitySourceName = "StatefulSpot";

    /// <summary>Finished recycle operations (recoveries), tagged <see cref="TriggerTag"/> and <see cref="OutcomeTag"/>.</summary>
    public const string Recoveries = "statefulspot.recoveries";

    /// <summary>Seconds from the old instance terminated to every volume attached to the replacement, per successful recovery; tagged <see cref="TriggerTag"/>.</summary>
    public const string RecoveryDowntime = "statefulspot.recovery.downtime";

    /// <summary>
    /// Seconds of downtime as the application sees it per successful recovery (the old instance leaving service to the
    /// replacement serving), tagged <see cref="TriggerTag"/>.
    /// </summary>
    public const string RecoveryAppDowntime = "statefulspot.recovery.app_downtime";

    /// <summary>Seconds from the start of a saga step to its completion (waits included), tagged <see cref="OperationTag"/> and <see cref="StepTag"/>.</summary>
    public const string SagaStepDuration = "statefulspot.saga.step.duration";

    /// <summary>EC2 API calls, tagged <see cref="ActionTag"/> and <see cref="OutcomeTag"/> (<c>ok</c> or the EC2 error code).</summary>
    public const string Ec2Calls = "statefulspot.ec2.calls";

    /// <summary>Seconds per EC2 API call (the SDK's own retries included), tagged like <see cref="Ec2Calls"/>.</summary>
    public const string Ec2CallDuration = "statefulspot.ec2.call.duration";

    /// <summary>EC2 calls that failed throttled (RequestLimitExceeded and kin), tagged <see cref="ActionTag"/> and <see cref="OutcomeTag"/>.</summary>
    public const string Ec2Throttles = "statefulspot.ec2.throttles";

    /// <summary>Seconds from an EventBridge event's time to its delivery to the instance grain, tagged <see cref="EventKindTag"/>.</summary>
    public const string EventLag = "statefulspot.events.lag";

    /// <summary>
    /// Seconds from an EventBridge event's time to the silo's SQS receive of it, tagged <see cref="EventKindTag"/>: with
    /// <see cref="EventLag"/>, which part of the lag is the queue and which the delivery to the grain.
    /// </summary>
    public const string EventReceiveLag = "statefulspot.events.receive_lag";

    /// <summary>Instances tagged as ours that no state recorded, terminated by the reconciliation loop.</summary>
    public const string UnrecordedTerminated = "statefulspot.reconciler.unrecorded_terminated";
    public const string UnrecordedArtifacts = "statefulspot.reconciler.unrecorded_artifacts_deleted";

    public const string TriggerTag = "trigger";
    public const string OutcomeTag = "outcome";
    public const string OperationTag = "operation";
    public const string StepTag = "step";
    public const string ActionTag = "action";
    public const string EventKindTag = "kind";

    /// <summary>The <see cref="OutcomeTag"/> of an EC2 call that succeeded.</summary>
    public const string Ok = "ok";

    /// <summary>Spans of saga steps and EC2 calls. Static: spans are routed by source name, not by service provider.</summary>
    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    // Latency buckets in seconds: EC2 calls take tens of milliseconds, steps and downtime seconds to minutes.
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly Counter<long> _recoveries;
    private readonly Histogram<double> _downtime;
    private readonly Histogram<double> _appDowntime;
    private readonly Histogram<double> _stepDuration;
    private readonly Counter<long> _ec2Calls;
    private readonly Histogram<double> _ec2CallDuration;
    private readonly Counter<long> _ec2Throttles;
    private readonly Histogram<double> _eventLag;
    private readonly Histogram<double> _eventReceiveLag;
    private readonly Counter<long> _unrecordedTerminated;
    private readonly Counter<long> _unrecordedArtifacts;

    public StatefulSpotMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets };
        _recoveries = Meter.CreateCounter<long>(Recoveries, "{recovery}", "Finished recoveries (recycle operations) by trigger and outcome.");
        _downtime = Meter.CreateHistogram(RecoveryDowntime, "s", "Downtime of successful recoveries: old instance terminated to volumes attached.", advice: advice);
        _appDowntime = Meter.CreateHistogram(RecoveryAppDowntime, "s",
            "Downtime of successful recoveries as the application sees it: old instance out of service to the replacement serving.", advice: advice);
        _stepDuration = Meter.CreateHistogram(SagaStepDuration, "s", "Duration of completed saga steps, waits included.", advice: advice);
        _ec2Calls = Meter.CreateCounter<long>(Ec2Calls, "{call}", "EC2 API calls by action and outcome.");
        _ec2CallDuration = Meter.CreateHistogram(Ec2CallDuration, "s", "Duration of EC2 API calls.", advice: advice);
        _ec2Throttles = Meter.CreateCounter<long>(Ec2Throttles, "{call}", "EC2 API calls rejected by EC2's request throttling.");
        _eventLag = Meter.CreateHistogram(EventLag, "s", "EventBridge event time to delivery to the instance grain.", advice: advice);
        _eventReceiveLag = Meter.CreateHistogram(EventReceiveLag, "s", "EventBridge event time to the silo's SQS receive.", advice: advice);
        _unrecordedTerminated = Meter.CreateCounter<long>(UnrecordedTerminated, "{instance}",
            "Instances tagged as StatefulSpot's that no managed instance recorded, terminated by the reconciliation loop.");
        _unrecordedArtifacts = Meter.CreateCounter<long>(UnrecordedArtifacts, "{artifact}",
            "Images and root snapshots tagged as StatefulSpot's that no managed instance recorded, deleted by the reconciliation loop.");
    }

    /// <summary>The meter this instance records on (the one to filter on in a <see cref="MeterListener"/>).</summary>
    public Meter Meter { get; }

    public void RecoveryFinished(OperationTrigger trigger, OperationOutcome outcome, TimeSpan? downtime, TimeSpan? appDowntime = null)
    {
        var triggerTag = new KeyValuePair<string, object?>(TriggerTag, TriggerName(trigger));
        _recoveries.Add(1, triggerTag, new(OutcomeTag, OutcomeName(outcome)));
        if (outcome != OperationOutcome.Succeeded)
        {
            return;
        }

        if (downtime is { } down)
        {
            _downtime.Record(Math.Max(0, down.TotalSeconds), triggerTag);
        }

        if (appDowntime is { } app)
        {
            _appDowntime.Record(Math.Max(0, app.TotalSeconds), triggerTag);
        }
    }

    public void SagaStepCompleted(OperationKind operation, SagaStep step, TimeSpan elapsed) =>
        _stepDuration.Record(Math.Max(0, elapsed.TotalSeconds), new(OperationTag, OperationName(operation)), new(StepTag, StepName(step)));

    /// <summary>One EC2 call; <paramref name="outcome"/> is <see cref="Ok"/> or the error code.</summary>
    public void Ec2Call(string action, string outcome, TimeSpan elapsed, bool throttled)
    {
        KeyValuePair<string, object?> actionTag = new(ActionTag, action), outcomeTag = new(OutcomeTag, outcome);
        _ec2Calls.Add(1, actionTag, outcomeTag);
        _ec2CallDuration.Record(elapsed.TotalSeconds, actionTag, outcomeTag);
        if (throttled)
        {
            _ec2Throttles.Add(1, actionTag, outcomeTag);
        }
    }

    public void EventDelivered(Ec2EventKind kind, TimeSpan lag) =>
        _eventLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>(EventKindTag, KindName(kind)));

    public void EventReceived(Ec2EventKind kind, TimeSpan lag) =>
        _eventReceiveLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>(EventKindTag, KindName(kind)));

    public void UnrecordedInstancesTerminated(int count) => _unrecordedTerminated.Add(count);

    public void UnrecordedArtifactsDeleted(int count) => _unrecordedArtifacts.Add(count);

    // Tag values are spelled once per enum value, not formatted per measurement.
    private static string TriggerName(OperationTrigger value) => EnumNames<OperationTrigger>.Of(value);

    private static string OperationName(OperationKind value) => EnumNames<OperationKind>.Of(value);

    private static string StepName(SagaStep value) => EnumNames<SagaStep>.Of(value);

    private static string KindName(Ec2EventKind value) => EnumNames<Ec2EventKind>.Of(value);

    private static string OutcomeName(OperationOutcome value) => EnumNames<OperationOutcome>.Of(value);

    private static class EnumNames<T> where T : struct, Enum
    {
        private static readonly Dictionary<T, string> Names = Enum.GetValues<T>().ToDictionary(v => v, v => ToSnakeCase(v.ToString()));

        public static string Of(T value) => Names.TryGetValue(value, out var name) ? name : ToSnakeCase(value.ToString());

        private static string ToSnakeCase(string name) =>
            string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
    }
}
