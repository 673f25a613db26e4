using System.Net;
using Amazon.EC2;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Ec2.Gateway;

namespace StatefulSpot.Unit.Tests.Ec2;

public sealed class Ec2ErrorsTests
{
    [Theory]
    [InlineData("Unsupported", Ec2ErrorKind.InsufficientCapacity)]
    [InlineData("InsufficientInstanceCapacity", Ec2ErrorKind.InsufficientCapacity)]
    [InlineData("InvalidSnapshot.InUse", Ec2ErrorKind.InUse)]
    [InlineData("VolumeInUse", Ec2ErrorKind.InUse)]
    [InlineData("InvalidAMIName.Duplicate", Ec2ErrorKind.AlreadyExists)]
    [InlineData("InvalidGroup.Duplicate", Ec2ErrorKind.AlreadyExists)]
    [InlineData("InvalidInstanceID.NotFound", Ec2ErrorKind.NotFound)]
    [InlineData("InvalidVolume.NotFound", Ec2ErrorKind.NotFound)]
    [InlineData("InvalidSnapshot.NotFound", Ec2ErrorKind.NotFound)]
    [InlineData("RequestLimitExceeded", Ec2ErrorKind.Throttled)]
    [InlineData("Throttling", Ec2ErrorKind.Throttled)]
    [InlineData("InvalidParameterValue", Ec2ErrorKind.InvalidRequest)]
    [InlineData("IncorrectInstanceState", Ec2ErrorKind.IncorrectState)]
    [InlineData("InternalError", Ec2ErrorKind.ServerError)]
    public void Classify_Ec2ErrorCode_MapsToItsKind(string code, Ec2ErrorKind expected)
    {
        var exception = new AmazonEC2Exception($"EC2 answered {code}") { ErrorCode = code, StatusCode = HttpStatusCode.BadRequest };

        Assert.Equal(expected, Ec2Errors.Classify(exception));
        Assert.Equal(expected, Ec2Errors.ClassifyCode(code));
    }

    [Fact]
    public void Classify_BudgetExhausted_IsAThrottle()
    {
        var exception = new Ec2BudgetExhaustedException("RunInstances", TimeSpan.FromSeconds(10));

        Assert.Equal(Ec2ErrorKind.Throttled, Ec2Errors.Classify(exception));
        Assert.True(Ec2Errors.IsRetryable(Ec2Errors.Classify(exception)));
        Assert.Equal("RunInstances", exception.Action);
    }

    [Fact]
    public void Classify_UnknownCodeWithServerStatus_IsAServerError()
    {
        var exception = new AmazonEC2Exception("boom") { ErrorCode = "SomethingNew", StatusCode = HttpStatusCode.ServiceUnavailable };

        Assert.Equal(Ec2ErrorKind.ServerError, Ec2Errors.Classify(exception));
    }

    [Fact]
    public void IsRetryable_InvalidRequest_IsNotRetried()
    {
        Assert.False(Ec2Errors.IsRetryable(Ec2ErrorKind.InvalidRequest));
        Assert.True(Ec2Errors.IsRetryable(Ec2ErrorKind.InsufficientCapacity));
    }
}
