using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Unit.Tests.Streaming;

/// <summary>
/// The in-flight ledger on its own: no queue, no clock of its own; every decision takes the time it is made at.
/// </summary>
public sealed class SqsInFlightLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(60);

    [Fact]
    public void MessageWithOneBatch_IsFullyDeliveredWithThatBatch_AndThenForgotten()
    {
        var ledger = new SqsInFlightLedger(Visibility, TimeSpan.FromMinutes(15));
        var batch = Batch("i-1");
        ledger.Track(Receipt("m1"), T0, [batch]);

        Assert.Equal(1, ledger.Count);
        Assert.Equal([Receipt("m1")], ledger.Delivered([batch]));
        Assert.Equal(0, ledger.Count);
        Assert.Empty(ledger.Delivered([batch]));
    }

    [Fact]
    public void FannedOutMessage_IsFullyDeliveredOnlyWithItsLastBatch()
    {
        var ledger = new SqsInFlightLedger(Visibility, TimeSpan.FromMinutes(15));
        var (first, second) = (Batch("i-1"), Batch("i-2"));
        ledger.Track(Receipt("m1"), T0, [first, second]);

        Assert.Empty(ledger.Delivered([second]));
        Assert.Equal(1, ledger.Count);
        Assert.Equal([Receipt("m1")], ledger.Delivered([first]));
    }

    [Fact]
    public void UnknownBatches_AreIgnored()
    {
        var ledger = new SqsInFlightLedger(Visibility, TimeSpan.FromMinutes(15));
        ledger.Track(Receipt("m1"), T0, [Batch("i-1")]);

        Assert.Empty(ledger.Delivered([Batch("i-1")]));
        Assert.Equal(1, ledger.Count);
    }

    [Fact]
    public void Extension_IsDueOnceHalfTheVisibilityTimeoutIsLeft_ByTheFullTimeout()
    {
        var ledger = new SqsInFlightLedger(Visibility, TimeSpan.FromMinutes(15));
        ledger.Track(Receipt("m1"), T0, [Batch("i-1")]);

        Assert.Empty(ledger.PlanExtensions(T0 + TimeSpan.FromSeconds(29)).Due);

        var plan = ledger.PlanExtensions(T0 + TimeSpan.FromSeconds(30));
        var due = Assert.Single(plan.Due);
        Assert.Equal(Receipt("m1"), due.Message.Receipt);
        Assert.Equal(60, due.Seconds);
        Assert.Empty(plan.Stopped);
    }

    [Fact]
    public void SucceededExtension_MovesTheDeadline_FromWhenItWasPlanned()
    {
        var ledger = new SqsInFlightLedger(Visibility, TimeSpan.FromMinutes(15));
        ledger.Track(Receipt("m1"), T0, [Batch("i-1")]);
        var plannedAt = T0 + TimeSpan.FromSeconds(31);
        var plan = ledger.PlanExtensions(plannedAt);

        Assert.Equal(1, ledger.RecordExtensions(plannedAt, plan.Due, [true]));

        // Visible again at 31 + 60 = 91 s: nothing due until 30 s are left, not expired before 91 s.
        Assert.Empty(ledger.PlanExtensions(T0 + TimeSpan.FromSeconds(60)).Due);
        Assert.Single(ledger.PlanExtensions(T0 + TimeSpan.FromSeconds(61)).Due);
        Assert.Empty(ledger.ForgetExpired(T0 + TimeSpan.FromSeconds(90)));
        Assert.Single(ledger.ForgetExpired(T0 + TimeSpan.FromSeconds(91)));
    }

    [Fact]
    public void FailedExtension_IsPlannedAgainOnlyAfterATenthOfTheVisibilityTimeout()
    {
        var ledger = new SqsInFlightLedger(Visibility, TimeSpan.FromMinutes(15));
        ledger.Track(Receipt("m1"), T0, [Batch("i-1")]);
        var plannedAt = T0 + TimeSpan.FromSeconds(31);

        Assert.Equal(0, ledger.RecordExtensions(plannedAt, ledger.PlanExtensions(plannedAt).Due, [false]));

        Assert.Empty(ledger.PlanExtensions(plannedAt + TimeSpan.FromSeconds(5)).Due);
        Assert.Single(ledger.PlanExtensions(plannedAt + TimeSpan.FromSeconds(6)).Due);
    }

    [Fact]
    public void Extension_StopsAtMaxInFlightTime_OnceAndForAll_ThenTheMessageExpires()
    {
        var ledger = new SqsInFlightLedger(Visibility, TimeSpan.FromSeconds(100));
        ledger.Track(Receipt("m1"), T0, [Batch("i-1")]);

        var first = Extend(ledger, T0 + TimeSpan.FromSeconds(31));
        Assert.Equal(60, first);

        // Visible until 91 s; at 61 s the bound (100 s) allows 39 s more.
        var second = Extend(ledger, T0 + TimeSpan.FromSeconds(61));
        Assert.Equal(39, second);

        // Visible until 100 s, the bound: no extension reaches past it, so the message stops being extended.
        var plan = ledger.PlanExtensions(T0 + TimeSpan.FromSeconds(71));
        Assert.Empty(plan.Due);
        var stopped = Assert.Single(plan.Stopped);
        Assert.Equal(Receipt("m1"), stopped.Receipt);
        Assert.Equal(TimeSpan.FromSeconds(71), stopped.InFlightFor);
        Assert.Equal(TimeSpan.FromSeconds(29), stopped.VisibleFor);
        Assert.Empty(ledger.PlanExtensions(T0 + TimeSpan.FromSeconds(80)).Stopped);

        var expired = Assert.Single(ledger.ForgetExpired(T0 + TimeSpan.FromSeconds(100)));
        Assert.Equal(TimeSpan.FromSeconds(100), expired.InFlightFor);
        Assert.Equal(0, ledger.Count);
    }

    [Fact]
    public void MaxInFlightTime_NotAboveTheVisibilityTimeout_NeverExtends()
    {
        var ledger = new SqsInFlightLedger(Visibility, Visibility);
        ledger.Track(Receipt("m1"), T0, [Batch("i-1")]);

        Assert.False(ledger.Extends);
        var plan = ledger.PlanExtensions(T0 + TimeSpan.FromSeconds(59));
        Assert.Empty(plan.Due);
        Assert.Empty(plan.Stopped);
    }

    [Fact]
    public void ExpiredMessage_IsForgotten_AndItsBatchesNoLongerCompleteIt()
    {
        var ledger = new SqsInFlightLedger(Visibility, TimeSpan.FromMinutes(15));
        var batch = Batch("i-1");
        ledger.Track(Receipt("m1"), T0, [batch]);
        ledger.Track(Receipt("m2"), T0 + TimeSpan.FromSeconds(10), [Batch("i-2")]);

        Assert.Empty(ledger.ForgetExpired(T0 + TimeSpan.FromSeconds(59)));
        var expired = Assert.Single(ledger.ForgetExpired(T0 + TimeSpan.FromSeconds(60)));
        Assert.Equal(Receipt("m1"), expired.Receipt);
        Assert.Equal(TimeSpan.FromSeconds(60), expired.InFlightFor);

        // A late report must not delete the message with its stale receipt handle.
        Assert.Empty(ledger.Delivered([batch]));
        Assert.Equal(1, ledger.Count);
    }

    [Fact]
    public void TakeAll_ReturnsEachMessageOnce_AndEmptiesTheLedger()
    {
        var ledger = new SqsInFlightLedger(Visibility, TimeSpan.FromMinutes(15));
        var batches = new[] { Batch("i-1"), Batch("i-2") };
        ledger.Track(Receipt("m1"), T0, batches);
        ledger.Track(Receipt("m2"), T0, [Batch("i-3")]);

        Assert.Equal([Receipt("m1"), Receipt("m2")], ledger.TakeAll());
        Assert.Equal(0, ledger.Count);
        Assert.Empty(ledger.Delivered(batches));
        Assert.Empty(ledger.TakeAll());
    }

    private static int Extend(SqsInFlightLedger ledger, DateTimeOffset now)
    {
        var due = Assert.Single(ledger.PlanExtensions(now).Due);
        Assert.Equal(1, ledger.RecordExtensions(now, [due], [true]));
        return due.Seconds;
    }

    private static SqsReceipt Receipt(string messageId) => new(messageId, "rh-" + messageId);

    private static SqsBatchContainer Batch(string instanceId) =>
        new(StreamId.Create("ec2-events", instanceId), ["event"], new EventSequenceTokenV2(0), null);
}
