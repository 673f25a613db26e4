using Amazon.EC2;

namespace StatefulSpot.Grains.Ec2;

public enum Ec2ErrorKind
{
    /// <summary>Anything not classified below; treated as retryable a bounded number of times.</summary>
    Other = 0,
    NotFound = 1,
    Throttled = 2,
    InsufficientCapacity = 3,
    IncorrectState = 4,
    InUse = 5,
    InvalidRequest = 6,
    ServerError = 7,
    AlreadyExists = 8,
}

/// <summary>Maps EC2 error codes to the few kinds the saga decides on.</summary>
public static class Ec2Errors
{
    public static Ec2ErrorKind Classify(Exception exception) => exception switch
    {
        AmazonEC2Exception ec2 => ClassifyCode(ec2.ErrorCode, (int)ec2.StatusCode),
        Gateway.Ec2BudgetExhaustedException => Ec2ErrorKind.Throttled,
        HttpRequestException or TimeoutException or IOException => Ec2ErrorKind.ServerError,
        _ => Ec2ErrorKind.Other,
    };

    public static Ec2ErrorKind ClassifyCode(string? code, int httpStatus = 0) => code switch
    {
        null or "" => httpStatus >= 500 ? Ec2ErrorKind.ServerError : Ec2ErrorKind.Other,
        _ when code.EndsWith(".NotFound", StringComparison.Ordinal) => Ec2ErrorKind.NotFound,
        "RequestLimitExceeded" or "Throttling" or "EC2ThrottledException" => Ec2ErrorKind.Throttled,
        // "Unsupported": the instance type is not offered in that AZ, which for a launch is the same as no capacity there.
        "InsufficientInstanceCapacity" or "InsufficientCapacity" or "MaxSpotInstanceCountExceeded"
            or "InsufficientVolumeCapacity" or "InsufficientAddressCapacity" or "Unsupported" => Ec2ErrorKind.InsufficientCapacity,
        "IncorrectState" or "IncorrectInstanceState" => Ec2ErrorKind.IncorrectState,
        "VolumeInUse" or "InvalidNetworkInterface.InUse" or "InvalidIPAddress.InUse" or "InvalidSnapshot.InUse" => Ec2ErrorKind.InUse,
        _ when code.EndsWith(".Duplicate", StringComparison.Ordinal) || code.EndsWith(".AlreadyExists", StringComparison.Ordinal)
            => Ec2ErrorKind.AlreadyExists,
        "InternalError" or "InternalFailure" or "Unavailable" or "ServiceUnavailable" => Ec2ErrorKind.ServerError,
        _ when code.StartsWith("Invalid", StringComparison.Ordinal) || code is "MissingParameter"
            or "IdempotentParameterMismatch" or "UnsupportedOperation" or "OperationNotPermitted"
            or "UnauthorizedOperation" => Ec2ErrorKind.InvalidRequest,
        _ => httpStatus >= 500 ? Ec2ErrorKind.ServerError : Ec2ErrorKind.Other,
    };

    /// <summary>Whether EC2 refused a private IP because something else holds it.</summary>
    public static bool IsAddressInUse(Exception exception) => exception is AmazonEC2Exception { ErrorCode: "InvalidIPAddress.InUse" };

    /// <summary>
    /// Whether EC2 refused a launch because its client token belongs to instances that are all terminated: the same token
    /// never launches again.
    /// </summary>
    public static bool IsTokenOfTerminatedLaunch(Exception exception) => exception is AmazonEC2Exception { ErrorCode: "IdempotentInstanceTerminated" };

    /// <summary>Whether waiting and trying again can help.</summary>
    public static bool IsRetryable(Ec2ErrorKind kind) => kind is not Ec2ErrorKind.InvalidRequest;

    /// <summary>"Code: message" of an EC2 error, for a user-visible Error state.</summary>
    public static string Describe(Exception exception) => exception is AmazonEC2Exception ec2
        ? $"{ec2.ErrorCode}: {ec2.Message}"
        : $"{exception.GetType().Name}: {exception.Message}";
}
