using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using StatefulSpot.Silo.Hosting;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Cluster.Tests.Hosting;

/// <summary>The <c>ec2-events</c> stream options: StatefulSpot's defaults, <c>StatefulSpot:Events</c>, the host's queue URL.</summary>
public sealed class EventStreamOptionsTests
{
    private const string QueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/statefulspot-events";

    [Fact]
    public void WithoutConfiguration_AFailingMessageIsDeadLettered_AndANoticeIsInFlightTwoMinutesAtMost()
    {
        var options = Resolve(configuration: null);

        Assert.Equal(QueueUrl, options.QueueUrl);
        Assert.Equal(SqsDiscardPolicy.LeaveForRedrive, options.DiscardPolicy);
        Assert.Equal(TimeSpan.FromMinutes(2), options.MaxInFlightTime);
        Assert.Equal(TimeSpan.FromSeconds(60), options.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RedriveDelay);
        Validate(options);
    }

    [Fact]
    public void EverySettingOfTheSection_IsBound_AndTheQueueStaysTheHosts()
    {
        var options = Resolve(Configuration(new()
        {
            ["StatefulSpot:Events:MaxMessagesPerReceive"] = "5",
            ["StatefulSpot:Events:ReceiveWaitTime"] = "00:00:02",
            ["StatefulSpot:Events:VisibilityTimeout"] = "00:00:30",
            ["StatefulSpot:Events:MaxInFlightTime"] = "00:05:00",
            ["StatefulSpot:Events:DiscardPolicy"] = "Delete",
            ["StatefulSpot:Events:RedriveDelay"] = "00:00:10",
        }));

        Assert.Equal(QueueUrl, options.QueueUrl);
        Assert.Null(options.QueueName);
        Assert.Equal(5, options.MaxMessagesPerReceive);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ReceiveWaitTime);
        Assert.Equal(TimeSpan.FromSeconds(30), options.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.MaxInFlightTime);
        Assert.Equal(SqsDiscardPolicy.Delete, options.DiscardPolicy);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RedriveDelay);
        Validate(options);
    }

    [Theory]
    [InlineData("VisibilityTimeout", "00:00:00.500", "StatefulSpot:Events:VisibilityTimeout is 00:00:00.5000000")]
    [InlineData("MaxMessagesPerReceive", "11", "StatefulSpot:Events:MaxMessagesPerReceive is 11")]
    [InlineData("RedriveDelay", "-00:00:01", "StatefulSpot:Events:RedriveDelay is -00:00:01")]
    [InlineData("ReceiveWaitTime", "00:00:21", "StatefulSpot:Events:ReceiveWaitTime is 00:00:21")]
    public void ABadSetting_FailsStartUp_NamingItsKey(string key, string value, string expected)
    {
        var options = Resolve(Configuration(new() { ["StatefulSpot:Events:" + key] = value }));

        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(options));

        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("QueueName", "other")]
    [InlineData("QueueUrl", "https://sqs.us-east-1.amazonaws.com/123456789012/other")]
    public void NamingTheQueueInTheSection_FailsStartUp_PointingAtEventQueueUrl(string key, string value)
    {
        var validator = new EventStreamOptions.QueueKeysValidator(Configuration(new() { ["StatefulSpot:Events:" + key] = value }));

        var error = Assert.Throws<OrleansConfigurationException>(validator.ValidateConfiguration);

        Assert.Contains("StatefulSpot:Events:" + key, error.Message);
        Assert.Contains("StatefulSpot:EventQueueUrl", error.Message);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static SqsStreamOptions Resolve(IConfiguration? configuration)
    {
        var services = new ServiceCollection();
        EventStreamOptions.Configure(services.AddOptions<SqsStreamOptions>("events"), QueueUrl, configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsMonitor<SqsStreamOptions>>().Get("events");
    }

    private static void Validate(SqsStreamOptions options) =>
        new SqsStreamOptionsValidator(options, "ec2-events", EventStreamOptions.Section).ValidateConfiguration();
}
