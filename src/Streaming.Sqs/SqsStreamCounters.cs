using System.Diagnostics.Metrics;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>Records the counters of one provider.</summary>
internal sealed class SqsStreamCounters
{
    private static readonly Meter Meter = new(SqsStreamTelemetry.MeterName);
    private static readonly Counter<long> Received = Meter.CreateCounter<long>(SqsStreamTelemetry.MessagesReceived, "{message}", "SQS messages received.");
    private static readonly Counter<long> Delivered = Meter.CreateCounter<long>(SqsStreamTelemetry.MessagesDelivered, "{message}", "SQS messages deleted after delivery.");
    private static readonly Counter<long> Discarded = Meter.CreateCounter<long>(SqsStreamTelemetry.MessagesDiscarded, "{message}", "SQS messages discarded by the adapter.");
    private static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>(SqsStreamTelemetry.MessagesDeadLettered, "{message}",
        "Discarded SQS messages the provider moved to the queue's dead-letter queue itself.");
    private static readonly Counter<long> Expired = Meter.CreateCounter<long>(SqsStreamTelemetry.MessagesExpired, "{message}", "SQS messages whose visibility timeout passed before delivery.");
    private static readonly Counter<long> ReceiveFailed = Meter.CreateCounter<long>(SqsStreamTelemetry.ReceiveErrors, "{error}", "Failed SQS receive calls.");
    private static readonly Counter<long> Released = Meter.CreateCounter<long>(SqsStreamTelemetry.MessagesReleased, "{message}", "In-flight SQS messages made visible again at shutdown.");
    private static readonly Counter<long> Extended = Meter.CreateCounter<long>(SqsStreamTelemetry.VisibilityExtensions, "{extension}", "Visibility timeout extensions of in-flight SQS messages.");
    private static readonly Counter<long> VisibilityFailed = Meter.CreateCounter<long>(SqsStreamTelemetry.VisibilityErrors, "{error}", "Failed SQS ChangeMessageVisibility calls.");
    private static readonly Counter<long> DeleteFailed = Meter.CreateCounter<long>(SqsStreamTelemetry.DeleteErrors, "{message}", "SQS messages whose delete failed.");

    private readonly KeyValuePair<string, object?> _provider;

    public SqsStreamCounters(string providerName) => _provider = new(SqsStreamTelemetry.ProviderTag, providerName);

    public void MessagesReceived(int count) => Add(Received, count);

    public void MessagesDelivered(int count) => Add(Delivered, count);

    public void MessageDiscarded() => Add(Discarded, 1);

    public void MessagesDeadLettered(int count) => Add(DeadLettered, count);

    public void MessagesExpired(int count) => Add(Expired, count);

    public void MessagesReleased(int count) => Add(Released, count);

    public void VisibilityExtended(int count) => Add(Extended, count);

    public void VisibilityErrors(int count) => Add(VisibilityFailed, count);

    public void ReceiveError() => Add(ReceiveFailed, 1);

    public void DeleteErrors(int count) => Add(DeleteFailed, count);

    private void Add(Counter<long> counter, int count)
    {
        if (count > 0)
        {
            counter.Add(count, _provider);
        }
    }
}
