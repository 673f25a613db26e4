namespace StatefulSpot.Emulator.Sqs;

/// <summary>
/// An SQS JSON-protocol error: body <c>{"__type": "com.amazonaws.sqs#Type", "message": …}</c> and header
/// <c>x-amzn-query-error: QueryCode;Sender</c> (aws-wire.md 5.3).
/// </summary>
internal sealed class SqsException(string type, string? queryCode, string message, int statusCode = 400, bool senderFault = true)
    : Exception(message)
{
    public string Type { get; } = type;

    public string? QueryCode { get; } = queryCode;

    public int StatusCode { get; } = statusCode;

    public bool SenderFault { get; } = senderFault;
}

/// <summary>The SQS errors the emulator answers with.</summary>
internal static class SqsErrors
{
    private const string Ns = "com.amazonaws.sqs#";

    public static SqsException QueueDoesNotExist() =>
        new(Ns + "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.");

    public static SqsException QueueNameExists(string attribute) =>
        new(Ns + "QueueNameExists", "QueueAlreadyExists",
            $"A queue already exists with the same name and a different value for attribute {attribute}");

    public static SqsException ReceiptHandleIsInvalid(string handle) =>
        new(Ns + "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid",
            $"The input receipt handle \"{handle}\" is not a valid receipt handle.");

    public static SqsException InvalidParameterValue(string message) =>
        new(Ns + "InvalidParameterValueException", "InvalidParameterValue", message);

    public static SqsException MissingParameter(string name) =>
        new(Ns + "MissingRequiredParameterException", "MissingParameter", $"The request must contain the parameter {name}.");

    public static SqsException InvalidAttributeName(string name) =>
        new(Ns + "InvalidAttributeName", "InvalidAttributeName", $"Unknown Attribute {name}.");

    public static SqsException InvalidAttributeValue(string name) =>
        new(Ns + "InvalidAttributeValue", "InvalidAttributeValue", $"Invalid value for the parameter {name}.");

    public static SqsException TooManyEntriesInBatchRequest(int count) =>
        new(Ns + "TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            $"Maximum number of entries per request are 10. You have sent {count}.");

    public static SqsException EmptyBatchRequest(string entryType) =>
        new(Ns + "EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest",
            $"There should be at least one {entryType} in the request.");

    public static SqsException BatchEntryIdsNotDistinct(string id) =>
        new(Ns + "BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", $"Id {id} repeated.");

    public static SqsException InvalidBatchEntryId() =>
        new(Ns + "InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId",
            "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.");

    public static SqsException PurgeQueueInProgress(string queueUrl) =>
        new(Ns + "PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress",
            $"Only one PurgeQueue operation on {queueUrl} is allowed every 60 seconds.", 403);

    public static SqsException MessageNotInflight() =>
        new(Ns + "MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", "The message is not in flight.");

    public static SqsException UnsupportedOperation(string message) =>
        new(Ns + "UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", message);

    public static SqsException UnknownOperation(string target) =>
        new("com.amazon.coral.service#UnknownOperationException", null, $"Operation {target} is not supported by the emulator.");

    /// <summary>An unknown Action in the Query protocol.</summary>
    public static SqsException InvalidAction(string action) =>
        new(Ns + "InvalidAction", "InvalidAction", $"The action {action} is not valid for this endpoint.");

    public static SqsException SerializationError(string message) =>
        new("com.amazon.coral.service#SerializationException", null, message);

    public static SqsException InternalError() =>
        new(Ns + "InternalError", "InternalError", "We encountered an internal error. Please try again.", 500, senderFault: false);
}
