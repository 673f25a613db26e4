namespace StatefulSpot.Grains.Interfaces;

/// <summary>Base of the errors a managed-instance operation reports to its caller.</summary>
[GenerateSerializer, Alias("statefulspot.managed-instance-exception")]
public class ManagedInstanceException : Exception
{
    public ManagedInstanceException(string message) : base(message) { }

    public ManagedInstanceException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The spec cannot be accepted; <see cref="Exception.Message"/> says what to fix. Nothing was created.</summary>
[GenerateSerializer, Alias("statefulspot.invalid-spec")]
public sealed class InvalidSpecException : ManagedInstanceException
{
    public InvalidSpecException(IReadOnlyList<string> problems)
        : base("The managed instance spec is invalid: " + string.Join(" ", problems)) => Problems = problems;

    [Id(0)] public IReadOnlyList<string> Problems { get; }
}

/// <summary>No managed instance has this id.</summary>
[GenerateSerializer, Alias("statefulspot.managed-instance-not-found")]
public sealed class ManagedInstanceNotFoundException : ManagedInstanceException
{
    public ManagedInstanceNotFoundException(string id)
        : base($"No managed instance '{id}' exists. List them to see the ids that do.") => ManagedInstanceId = id;

    [Id(0)] public string ManagedInstanceId { get; }
}

/// <summary>The operation is not allowed in the managed instance's current status.</summary>
[GenerateSerializer, Alias("statefulspot.invalid-transition")]
public sealed class InvalidTransitionException : ManagedInstanceException
{
    public InvalidTransitionException(string id, ManagedInstanceStatus status, string operation)
        : base($"Managed instance '{id}' is {status}; '{operation}' is not allowed now.")
    {
        ManagedInstanceId = id;
        Status = status;
        Operation = operation;
    }

    [Id(0)] public string ManagedInstanceId { get; }
    [Id(1)] public ManagedInstanceStatus Status { get; }
    [Id(2)] public string Operation { get; }
}

/// <summary>The request's options contradict each other or the managed instance; the message says what to change.</summary>
[GenerateSerializer, Alias("statefulspot.invalid-request")]
public sealed class InvalidRequestException : ManagedInstanceException
{
    public InvalidRequestException(string message) : base(message) { }
}

/// <summary>
/// EC2 did not answer the checks a create, import or update makes before anything is created (throttled, an internal
/// error, no connection): nothing was created or changed, and the same call can be made again.
/// </summary>
[GenerateSerializer, Alias("statefulspot.ec2-unavailable")]
public sealed class Ec2UnavailableException : ManagedInstanceException
{
    public Ec2UnavailableException(string errorCode, string message)
        : base($"EC2 refused or did not answer the checks of the spec ({errorCode}: {message}); nothing was created or changed.") =>
        ErrorCode = errorCode;

    [Id(0)] public string ErrorCode { get; }
}
