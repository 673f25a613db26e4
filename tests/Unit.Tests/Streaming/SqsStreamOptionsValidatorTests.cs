using Orleans.Runtime;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Unit.Tests.Streaming;

public sealed class SqsStreamOptionsValidatorTests
{
    [Fact]
    public void Defaults_WithAQueueUrl_AreValid()
    {
        var options = new SqsStreamOptions { QueueUrl = FakeSqs.QueueUrl };

        new SqsStreamOptionsValidator(options, "spot").ValidateConfiguration();

        Assert.Equal(10, options.MaxMessagesPerReceive);
        Assert.Equal(1, options.ReceiverCount);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ReceiveWaitTime);
        Assert.Equal(TimeSpan.FromSeconds(60), options.VisibilityTimeout);
        Assert.False(options.CreateQueueIfMissing);
        Assert.Equal(TimeSpan.FromMinutes(15), options.MaxInFlightTime);
        Assert.Equal(SqsDiscardPolicy.Delete, options.DiscardPolicy);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RedriveDelay);
    }

    [Fact]
    public void NoExtension_AndImmediateRedrive_AreValid() =>
        new SqsStreamOptionsValidator(
            new SqsStreamOptions { QueueUrl = FakeSqs.QueueUrl, MaxInFlightTime = TimeSpan.Zero, DiscardPolicy = SqsDiscardPolicy.LeaveForRedrive, RedriveDelay = TimeSpan.Zero },
            "spot").ValidateConfiguration();

    [Fact]
    public void QueueName_Alone_IsValid() =>
        new SqsStreamOptionsValidator(new SqsStreamOptions { QueueName = "spot-events", CreateQueueIfMissing = true }, "spot").ValidateConfiguration();

    [Theory]
    [InlineData(null, null)]
    [InlineData("  ", "")]
    [InlineData(FakeSqs.QueueUrl, "spot-events")]
    public void QueueUrlAndQueueName_NeitherOrBoth_IsRejected_NamingBothKeys(string? queueUrl, string? queueName)
    {
        var error = Assert.Throws<OrleansConfigurationException>(() =>
            new SqsStreamOptionsValidator(new SqsStreamOptions { QueueUrl = queueUrl, QueueName = queueName }, "spot").ValidateConfiguration());

        Assert.Contains(nameof(SqsStreamOptions.QueueUrl), error.Message);
        Assert.Contains(nameof(SqsStreamOptions.QueueName), error.Message);
        Assert.Contains("'spot'", error.Message);
    }

    public static TheoryData<string, Action<SqsStreamOptions>> OutOfRange => new()
    {
        { nameof(SqsStreamOptions.ReceiverCount), o => o.ReceiverCount = 0 },
        { nameof(SqsStreamOptions.ReceiverCount), o => o.ReceiverCount = 33 },
        { nameof(SqsStreamOptions.MaxMessagesPerReceive), o => o.MaxMessagesPerReceive = 0 },
        { nameof(SqsStreamOptions.MaxMessagesPerReceive), o => o.MaxMessagesPerReceive = 11 },
        { nameof(SqsStreamOptions.ReceiveWaitTime), o => o.ReceiveWaitTime = TimeSpan.FromSeconds(21) },
        { nameof(SqsStreamOptions.ReceiveWaitTime), o => o.ReceiveWaitTime = TimeSpan.FromMilliseconds(1500) },
        { nameof(SqsStreamOptions.VisibilityTimeout), o => o.VisibilityTimeout = TimeSpan.Zero },
        { nameof(SqsStreamOptions.VisibilityTimeout), o => o.VisibilityTimeout = TimeSpan.FromHours(13) },
        { nameof(SqsStreamOptions.CreateQueueIfMissing), o => o.CreateQueueIfMissing = true },
        { nameof(SqsStreamOptions.QueueUrl), o => o.QueueUrl = "not a url" },
        { nameof(SqsStreamOptions.MaxInFlightTime), o => o.MaxInFlightTime = TimeSpan.FromSeconds(-1) },
        { nameof(SqsStreamOptions.MaxInFlightTime), o => o.MaxInFlightTime = TimeSpan.FromHours(12.5) },
        { nameof(SqsStreamOptions.DiscardPolicy), o => o.DiscardPolicy = (SqsDiscardPolicy)7 },
        { nameof(SqsStreamOptions.RedriveDelay), o => o.RedriveDelay = TimeSpan.FromSeconds(-1) },
        { nameof(SqsStreamOptions.RedriveDelay), o => o.RedriveDelay = TimeSpan.FromMilliseconds(500) },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void BadSetting_IsRejected_NamingTheKey(string key, Action<SqsStreamOptions> breakIt)
    {
        var options = new SqsStreamOptions { QueueUrl = FakeSqs.QueueUrl };
        breakIt(options);

        var error = Assert.Throws<OrleansConfigurationException>(() => new SqsStreamOptionsValidator(options, "spot").ValidateConfiguration());

        Assert.Contains(key, error.Message);
    }

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void BadSetting_BoundFromASection_IsRejected_NamingTheFullKey(string key, Action<SqsStreamOptions> breakIt)
    {
        var options = new SqsStreamOptions { QueueUrl = FakeSqs.QueueUrl };
        breakIt(options);

        var error = Assert.Throws<OrleansConfigurationException>(
            () => new SqsStreamOptionsValidator(options, "spot", "StatefulSpot:Events").ValidateConfiguration());

        Assert.Contains($"StatefulSpot:Events:{key} ", error.Message);
    }
}
