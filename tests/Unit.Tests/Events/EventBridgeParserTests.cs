using StatefulSpot.Grains.Events;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Unit.Tests.Events;

public sealed class EventBridgeParserTests
{
    private const string SpotWarning = """
        {
          "version": "0",
          "id": "12345678-1234-1234-1234-123456789012",
          "detail-type": "EC2 Spot Instance Interruption Warning",
          "source": "aws.ec2",
          "account": "123456789012",
          "time": "2025-01-01T11:56:02Z",
          "region": "us-east-1",
          "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890abcdef0"],
          "detail": { "instance-id": "i-1234567890abcdef0", "instance-action": "terminate" }
        }
        """;

    [Fact]
    public void Parse_SpotInterruptionWarning_ReadsInstanceActionAndTime()
    {
        var result = EventBridgeParser.Parse(SpotWarning);

        Assert.Equal(ParseOutcome.Parsed, result.Outcome);
        var notice = Assert.Single(result.Events);
        Assert.Equal(Ec2EventKind.SpotInterruptionWarning, notice.Kind);
        Assert.Equal("12345678-1234-1234-1234-123456789012", notice.EventId);
        Assert.Equal("i-1234567890abcdef0", notice.InstanceId);
        Assert.Equal("terminate", notice.Detail);
        Assert.Equal("us-east-1", notice.Region);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 11, 56, 2, TimeSpan.Zero), notice.Time);
    }

    [Fact]
    public void Parse_RebalanceRecommendation_ReadsInstance()
    {
        var result = EventBridgeParser.Parse("""
            {"version":"0","id":"5d5555d5-dd55-5555-5555-5555dd55d55d","detail-type":"EC2 Instance Rebalance Recommendation",
             "source":"aws.ec2","account":"123456789012","time":"2025-01-01T11:50:00Z","region":"us-east-1",
             "resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890abcdef0"],
             "detail":{"instance-id":"i-1234567890abcdef0"}}
            """);

        var notice = Assert.Single(result.Events);
        Assert.Equal(Ec2EventKind.RebalanceRecommendation, notice.Kind);
        Assert.Equal("i-1234567890abcdef0", notice.InstanceId);
        Assert.Null(notice.Detail);
    }

    [Fact]
    public void Parse_StateChange_ReadsState()
    {
        var result = EventBridgeParser.Parse("""
            {"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602","detail-type":"EC2 Instance State-change Notification",
             "source":"aws.ec2","account":"123456789012","time":"2025-01-01T11:58:02Z","region":"us-east-1",
             "resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890abcdef0"],
             "detail":{"instance-id":"i-1234567890abcdef0","state":"shutting-down"}}
            """);

        var notice = Assert.Single(result.Events);
        Assert.Equal(Ec2EventKind.InstanceStateChange, notice.Kind);
        Assert.Equal("shutting-down", notice.Detail);
    }

    [Fact]
    public void Parse_HealthScheduledChange_YieldsOneEventPerAffectedInstance()
    {
        var result = EventBridgeParser.Parse("""
            {"version":"0","id":"7fb65329-1628-4cf3-a740-95fg457h1402","detail-type":"AWS Health Event","source":"aws.health",
             "account":"123456789012","time":"2025-01-01T06:27:57Z","region":"us-east-1","resources":["i-1234567890abcdef0"],
             "detail":{"eventArn":"arn:aws:health:us-east-1::event/EC2/AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED/x","service":"EC2",
               "eventTypeCode":"AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED","eventTypeCategory":"scheduledChange",
               "startTime":"Sat, 05 Jun 2025 15:10:09 GMT","endTime":"Sat, 05 Jun 2025 17:10:09 GMT","statusCode":"upcoming",
               "affectedEntities":[{"entityValue":"i-1234567890abcdef0","tags":{}},{"entityValue":"i-0fedcba9876543210"},{"entityValue":"vol-1"}]}}
            """);

        Assert.Equal(ParseOutcome.Parsed, result.Outcome);
        Assert.Equal(["i-1234567890abcdef0", "i-0fedcba9876543210"], result.Events.Select(e => e.InstanceId));
        Assert.All(result.Events, e =>
        {
            Assert.Equal(Ec2EventKind.ScheduledChange, e.Kind);
            Assert.Equal("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", e.Detail);
            Assert.Equal(new DateTimeOffset(2025, 6, 5, 15, 10, 9, TimeSpan.Zero), e.NotBefore);
        });
    }

    [Fact]
    public void Parse_HealthEventOfAnotherService_IsUnsupported()
    {
        var result = EventBridgeParser.Parse("""
            {"id":"h-1","detail-type":"AWS Health Event","time":"2025-01-01T06:27:57Z",
             "detail":{"service":"RDS","eventTypeCategory":"scheduledChange","affectedEntities":[]}}
            """);

        Assert.Equal(ParseOutcome.Unsupported, result.Outcome);
        Assert.Empty(result.Events);
    }

    [Fact]
    public void Parse_UnknownDetailType_IsUnsupportedWithTheTypeInTheReason()
    {
        var result = EventBridgeParser.Parse("""
            {"version":"0","id":"u-1","detail-type":"EC2 AMI State Change","source":"aws.ec2","time":"2025-01-01T00:00:00Z","detail":{}}
            """);

        Assert.Equal(ParseOutcome.Unsupported, result.Outcome);
        Assert.Contains("EC2 AMI State Change", result.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json at all")]
    [InlineData("{\"detail-type\": ")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"id\":\"x\",\"time\":\"2025-01-01T00:00:00Z\",\"detail\":{}}")]
    [InlineData("{\"id\":\"x\",\"detail-type\":\"EC2 Spot Instance Interruption Warning\",\"time\":\"yesterday\",\"detail\":{\"instance-id\":\"i-1\",\"instance-action\":\"terminate\"}}")]
    [InlineData("{\"id\":\"x\",\"detail-type\":\"EC2 Spot Instance Interruption Warning\",\"time\":\"2025-01-01T00:00:00Z\",\"detail\":{\"instance-action\":\"terminate\"}}")]
    [InlineData("{\"id\":\"x\",\"detail-type\":\"EC2 Instance State-change Notification\",\"time\":\"2025-01-01T00:00:00Z\",\"detail\":{\"instance-id\":\"i-1\"}}")]
    public void Parse_Malformed_ReturnsMalformedWithoutThrowing(string body)
    {
        var result = EventBridgeParser.Parse(body);

        Assert.Equal(ParseOutcome.Malformed, result.Outcome);
        Assert.Empty(result.Events);
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
    }

    [Fact]
    public void Parse_SnsNotificationHoldingTheEvent_ReadsTheEventInside()
    {
        var sns = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Type"] = "Notification",
            ["MessageId"] = "0d4e3b57-5d2c-5a1c-9d52-3d1f0a0c0b11",
            ["TopicArn"] = "arn:aws:sns:us-east-1:123456789012:spot-events",
            ["Message"] = SpotWarning,
            ["Timestamp"] = "2025-01-01T11:56:03.000Z",
        });

        var result = EventBridgeParser.Parse(sns);

        Assert.Equal(ParseOutcome.Parsed, result.Outcome);
        var notice = Assert.Single(result.Events);
        Assert.Equal(Ec2EventKind.SpotInterruptionWarning, notice.Kind);
        Assert.Equal("i-1234567890abcdef0", notice.InstanceId);
    }

    [Theory]
    [InlineData("{\"Type\":\"Notification\",\"Message\":\"not json\"}")]
    [InlineData("{\"Type\":\"Notification\",\"Message\":42}")]
    [InlineData("{\"Type\":\"Notification\",\"Message\":\"{\\\"Type\\\":\\\"Notification\\\",\\\"Message\\\":\\\"{}\\\"}\"}")]
    public void Parse_SnsNotificationWithoutAnEvent_IsMalformed(string body)
    {
        var result = EventBridgeParser.Parse(body);

        Assert.NotEqual(ParseOutcome.Parsed, result.Outcome);
        Assert.Empty(result.Events);
    }

    [Theory]
    [InlineData("i-1")]
    [InlineData("i-1234567890abcdef0\\u0000")]
    [InlineData("i-1234567890ABCDEF0")]
    [InlineData("i-1234567890abcdef0/../x")]
    [InlineData("vol-1234567890abcdef0")]
    public void Parse_AnInstanceIdNotShapedLikeEc2s_IsMalformed_AndNamesIt(string instanceId)
    {
        var result = EventBridgeParser.Parse(SpotWarning.Replace("\"instance-id\": \"i-1234567890abcdef0\"", $"\"instance-id\": \"{instanceId}\"",
            StringComparison.Ordinal));

        Assert.Equal(ParseOutcome.Malformed, result.Outcome);
        Assert.Contains("not an EC2 instance id", result.Reason);
        Assert.DoesNotContain('\0', result.Reason!);
    }

    [Fact]
    public void Parse_ShortInstanceIds_AreStillInstanceIds()
    {
        Assert.True(EventBridgeParser.IsInstanceId("i-0123abcd"));
        Assert.True(EventBridgeParser.IsInstanceId("i-1234567890abcdef0"));
        Assert.False(EventBridgeParser.IsInstanceId("i-0123abc"));
    }

    [Fact]
    public void Parse_InterruptionWarningThatStops_KeepsTheAction()
    {
        var result = EventBridgeParser.Parse(SpotWarning.Replace("\"terminate\"", "\"stop\"", StringComparison.Ordinal));

        Assert.Equal("stop", Assert.Single(result.Events).Detail);
    }
}
