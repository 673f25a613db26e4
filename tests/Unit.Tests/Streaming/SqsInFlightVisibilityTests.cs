using Amazon.SQS;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Unit.Tests.Streaming;

/// <summary>
/// A message stays hidden while its batches wait in the pulling agent's cache, but not forever,
/// and is handed back to SQS at shutdown. Time moves only when a test advances the clock; every
/// poll is a GetQueueMessagesAsync call, as the agent's timer makes them.
/// </summary>
public sealed class SqsInFlightVisibilityTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task InFlightMessage_PastHalfItsVisibilityTimeout_IsExtendedByTheVisibilityTimeout()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options => options.VisibilityTimeout = TimeSpan.FromSeconds(60));
        var message = Assert.Single(provider.Sqs.Enqueue("i-1=x"));
        var batch = Assert.Single(await provider.ReceiveAsync());

        await provider.PollForAsync(TimeSpan.FromSeconds(29), Poll);
        Assert.Empty(provider.Sqs.VisibilityChanges);

        await provider.PollForAsync(TimeSpan.FromSeconds(2), Poll);
        var extension = Assert.Single(provider.Sqs.VisibilityChanges);
        Assert.Equal(message.ReceiptHandle, extension.ReceiptHandle);
        Assert.Equal(60, extension.Seconds);

        // Well past the first visibility timeout, the message is still ours and is deleted on delivery.
        await provider.PollForAsync(TimeSpan.FromSeconds(60), Poll);
        Assert.Equal(3, provider.Sqs.VisibilityChanges.Count);
        Assert.Equal(3, provider.Counter(SqsStreamTelemetry.VisibilityExtensions));
        Assert.Equal(0, provider.Counter(SqsStreamTelemetry.MessagesExpired));

        await provider.DeliveredAsync(batch);
        Assert.Equal([message.ReceiptHandle], provider.Sqs.DeletedReceiptHandles);
    }

    [Fact]
    public async Task InFlightMessage_IsNotExtendedPastMaxInFlightTime_ThenExpiresAndIsNotDeleted()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options =>
        {
            options.VisibilityTimeout = TimeSpan.FromSeconds(60);
            options.MaxInFlightTime = TimeSpan.FromSeconds(100);
        });
        provider.Sqs.Enqueue("i-1=x");
        var receivedAt = provider.Clock.GetUtcNow();
        var batch = Assert.Single(await provider.ReceiveAsync());

        await provider.PollForAsync(TimeSpan.FromSeconds(99), Poll);

        // Extended by the full timeout once, then only up to the bound, then no more.
        Assert.Equal([60, 40], provider.Sqs.VisibilityChanges.Select(c => c.Seconds));
        Assert.Equal(receivedAt + TimeSpan.FromSeconds(100), provider.Sqs.VisibilityChanges[^1].VisibleAgainAt);
        Assert.Contains(provider.Logs(LogLevel.Warning), line => line.Contains("no longer extended", StringComparison.Ordinal));
        Assert.Equal(0, provider.Counter(SqsStreamTelemetry.MessagesExpired));

        await provider.PollForAsync(TimeSpan.FromSeconds(60), Poll);
        Assert.Equal(2, provider.Sqs.VisibilityChanges.Count);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.MessagesExpired));

        // SQS has handed the message out again: a late delivery report must not delete it.
        await provider.DeliveredAsync(batch);
        Assert.Empty(provider.Sqs.DeleteRequests);
    }

    [Fact]
    public async Task MaxInFlightTime_NotAboveTheVisibilityTimeout_TurnsExtensionOff()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options =>
        {
            options.VisibilityTimeout = TimeSpan.FromSeconds(30);
            options.MaxInFlightTime = TimeSpan.FromSeconds(30);
        });
        provider.Sqs.Enqueue("i-1=x");
        await provider.ReceiveAsync();

        await provider.PollForAsync(TimeSpan.FromSeconds(40), Poll);

        Assert.Empty(provider.Sqs.VisibilityChanges);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.MessagesExpired));
        Assert.DoesNotContain(provider.Logs(LogLevel.Warning), line => line.Contains("no longer extended", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeliveredMessage_IsNoLongerExtended()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options => options.VisibilityTimeout = TimeSpan.FromSeconds(60));
        provider.Sqs.Enqueue("i-1=x", "i-2=y");
        var batches = await provider.ReceiveAsync();

        await provider.DeliveredAsync(batches[0]);
        await provider.PollForAsync(TimeSpan.FromSeconds(31), Poll);

        Assert.Equal(["receipt-2"], provider.Sqs.VisibilityChanges.Select(c => c.ReceiptHandle));
    }

    [Fact]
    public async Task FannedOutMessage_IsExtendedOnce_NotOncePerBatch()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options => options.VisibilityTimeout = TimeSpan.FromSeconds(60));
        provider.Sqs.Enqueue("i-1=x;i-2=y");
        var batches = await provider.ReceiveAsync();
        Assert.Equal(2, batches.Count);

        await provider.DeliveredAsync(batches[0]);
        await provider.PollForAsync(TimeSpan.FromSeconds(31), Poll);

        Assert.Single(provider.Sqs.VisibilityChanges);
    }

    [Theory]
    [InlineData(typeof(AmazonSQSException))]
    [InlineData(typeof(HttpRequestException))]
    [InlineData(typeof(InvalidOperationException))]
    public async Task ExtensionFailure_IsSwallowedLoggedAndCounted_AndRetriedLater(Type failure)
    {
        await using var provider = await SqsProviderHarness.StartAsync(options => options.VisibilityTimeout = TimeSpan.FromSeconds(60));
        var message = Assert.Single(provider.Sqs.Enqueue("i-1=x"));
        await provider.ReceiveAsync();
        provider.Sqs.VisibilityFailure = (Exception)Activator.CreateInstance(failure, "extension refused")!;

        // The first attempt fails at 30 s; the next one waits a tenth of the timeout (6 s).
        await provider.PollForAsync(TimeSpan.FromSeconds(35), Poll);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.VisibilityErrors));
        Assert.Contains(provider.Logs(LogLevel.Warning), line => line.Contains("could not change the visibility timeout", StringComparison.Ordinal));

        provider.Sqs.VisibilityFailure = null;
        provider.Sqs.Enqueue("i-2=y");
        Assert.Single(await provider.ReceiveAsync());
        Assert.Empty(provider.Sqs.VisibilityChanges);

        await provider.PollForAsync(TimeSpan.FromSeconds(1), Poll);
        Assert.Equal(message.ReceiptHandle, Assert.Single(provider.Sqs.VisibilityChanges).ReceiptHandle);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.VisibilityExtensions));
        Assert.Equal(0, provider.Counter(SqsStreamTelemetry.MessagesExpired));
    }

    [Fact]
    public async Task ExtensionThatKeepsFailing_LetsTheMessageExpire()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options => options.VisibilityTimeout = TimeSpan.FromSeconds(60));
        provider.Sqs.Enqueue("i-1=x");
        var batch = Assert.Single(await provider.ReceiveAsync());
        provider.Sqs.VisibilityFailure = new AmazonSQSException("Service unavailable");

        await provider.PollForAsync(TimeSpan.FromSeconds(60), Poll);

        // Attempts at 30, 36, ... 54 s, then the original timeout passed.
        Assert.Equal(5, provider.Counter(SqsStreamTelemetry.VisibilityErrors));
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.MessagesExpired));
        await provider.DeliveredAsync(batch);
        Assert.Empty(provider.Sqs.DeleteRequests);
    }

    /// <summary>
    /// What Orleans 10.4.2 does when a consumer keeps throwing: after MaxEventDeliveryTime the
    /// pulling agent records a delivery failure on the cursor, and <see cref="SimpleQueueCache"/>
    /// then purges that batch without returning it, so MessagesDeliveredAsync never hears of it.
    /// Played here against the real cache from the package.
    /// </summary>
    [Fact]
    public async Task FailedDelivery_IsPurgedWithoutReport_StaysUndeleted_AndIsExtendedOnlyUntilMaxInFlightTime()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options =>
        {
            options.VisibilityTimeout = TimeSpan.FromSeconds(60);
            options.MaxInFlightTime = TimeSpan.FromMinutes(3);
        });
        var messages = provider.Sqs.Enqueue("i-1=throws", "i-2=fine");
        var receivedAt = provider.Clock.GetUtcNow();
        var batches = await provider.ReceiveAsync();
        var cache = new SimpleQueueCache(100, NullLogger.Instance);
        cache.AddToCache(batches);

        Consume(cache, batches[0], fail: true);
        Consume(cache, batches[1], fail: false);
        Assert.True(cache.TryPurgeFromCache(out var purged));
        Assert.Same(batches[1], Assert.Single(purged));
        await provider.Receiver.MessagesDeliveredAsync(purged, CancellationToken.None);

        Assert.Equal([messages[1].ReceiptHandle], provider.Sqs.DeletedReceiptHandles);

        // The undelivered message is kept hidden for MaxInFlightTime, then left to SQS.
        await provider.PollForAsync(TimeSpan.FromMinutes(4), Poll);
        var extensions = provider.Sqs.VisibilityChanges;
        Assert.All(extensions, c => Assert.Equal(messages[0].ReceiptHandle, c.ReceiptHandle));
        Assert.Equal(4, extensions.Count);
        Assert.Equal(receivedAt + TimeSpan.FromMinutes(3), extensions[^1].VisibleAgainAt);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.MessagesExpired));
        Assert.Equal([messages[1].ReceiptHandle], provider.Sqs.DeletedReceiptHandles);

        // Drives the cursor the way the pulling agent does; 10.4.2 marks these members obsolete
        // in favour of result-returning variants, but the agent still calls them.
        static void Consume(SimpleQueueCache cache, IBatchContainer batch, bool fail)
        {
#pragma warning disable CS0618
            using var cursor = cache.GetCacheCursor(batch.StreamId, batch.SequenceToken);
            Assert.True(cursor.MoveNext());
            Assert.Same(batch, cursor.GetCurrent(out _));
            if (fail)
            {
                cursor.RecordDeliveryFailure();
            }

            Assert.False(cursor.MoveNext());
#pragma warning restore CS0618
        }
    }

    [Fact]
    public async Task Shutdown_MakesInFlightMessagesVisibleAgainAtOnce()
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        var messages = provider.Sqs.Enqueue("i-1=x;i-2=x", "i-3=y", "i-4=z");
        var batches = await provider.ReceiveAsync();
        await provider.DeliveredAsync(batches[2]);

        await provider.Receiver.Shutdown(TimeSpan.FromSeconds(5), CancellationToken.None);

        // Once per undelivered message, not per batch; the delivered one was deleted instead.
        Assert.Equal(
            new[] { messages[0].ReceiptHandle, messages[2].ReceiptHandle }.Order(),
            provider.Sqs.VisibilityChanges.Select(c => c.ReceiptHandle).Order());
        Assert.All(provider.Sqs.VisibilityChanges, c => Assert.Equal(0, c.Seconds));
        Assert.Equal(2, provider.Counter(SqsStreamTelemetry.MessagesReleased));
        Assert.Equal([messages[1].ReceiptHandle], provider.Sqs.DeletedReceiptHandles);

        // The released messages belong to whoever receives them next: no late delete.
        await provider.DeliveredAsync([.. batches]);
        Assert.Single(provider.Sqs.DeleteRequests);
    }

    [Fact]
    public async Task Shutdown_DoesNotReleaseExpiredMessages()
    {
        await using var provider = await SqsProviderHarness.StartAsync(options =>
        {
            options.VisibilityTimeout = TimeSpan.FromSeconds(30);
            options.MaxInFlightTime = TimeSpan.FromSeconds(30);
        });
        provider.Sqs.Enqueue("i-1=x");
        await provider.ReceiveAsync();
        provider.Clock.Advance(TimeSpan.FromSeconds(31));

        await provider.Receiver.Shutdown(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Empty(provider.Sqs.VisibilityChanges);
        Assert.Equal(1, provider.Counter(SqsStreamTelemetry.MessagesExpired));
    }

    [Fact]
    public async Task Shutdown_WhenReleaseFails_IsSwallowedAndCounted()
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        provider.Sqs.Enqueue("i-1=x", "i-2=y");
        await provider.ReceiveAsync();
        provider.Sqs.VisibilityFailure = new AmazonSQSException("Service unavailable");

        await provider.Receiver.Shutdown(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(2, provider.Counter(SqsStreamTelemetry.VisibilityErrors));
        Assert.Equal(0, provider.Counter(SqsStreamTelemetry.MessagesReleased));
        Assert.Contains(provider.Logs(LogLevel.Information), line => line.Contains("0 undelivered message(s) made visible again", StringComparison.Ordinal) && line.Contains("2 will reappear", StringComparison.Ordinal));
    }
}
