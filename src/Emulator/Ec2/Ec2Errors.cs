namespace StatefulSpot.Emulator.Ec2;

/// <summary>The EC2 error codes and messages the emulator answers with (aws-wire.md 1.5 / 2.7).</summary>
internal static class Ec2Errors
{
    public static Ec2Exception InvalidAction(string action) =>
        new("InvalidAction", $"The action {action} is not valid for this web service.");

    public static Ec2Exception MissingAction() =>
        new("MissingAction", "The request must contain the parameter Action");

    public static Ec2Exception MissingParameter(string name) =>
        new("MissingParameter", $"The request must contain the parameter {name}");

    public static Ec2Exception InvalidParameterValue(string message) => new("InvalidParameterValue", message);

    public static Ec2Exception InvalidValue(string value, string parameter) =>
        new("InvalidParameterValue", $"Invalid value '{value}' for {parameter}.");

    public static Ec2Exception InvalidParameterCombination(string message) => new("InvalidParameterCombination", message);

    public static Ec2Exception InvalidFilter(string name) =>
        new("InvalidParameterValue", $"The filter '{name}' is invalid");

    public static Ec2Exception InvalidPaginationToken(string token) =>
        new("InvalidPaginationToken", $"Invalid pagination token '{token}'. The token is not valid or is expired.");

    public static Ec2Exception DryRun() =>
        new("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);

    public static Ec2Exception SecurityGroupNotFound(string groupId, string vpcId) =>
        new("InvalidGroup.NotFound", $"The security group '{groupId}' does not exist in VPC '{vpcId}'");

    public static Ec2Exception InternalError() => new("InternalError", "An internal error has occurred", 500);

    public static Ec2Exception InstancesNotFound(IReadOnlyList<string> ids) => ids.Count == 1
        ? new("InvalidInstanceID.NotFound", $"The instance ID '{ids[0]}' does not exist")
        : new("InvalidInstanceID.NotFound", $"The instance IDs '{string.Join(", ", ids)}' do not exist");

    public static Ec2Exception VolumesNotFound(IReadOnlyList<string> ids) => ids.Count == 1
        ? new("InvalidVolume.NotFound", $"The volume '{ids[0]}' does not exist.")
        : new("InvalidVolume.NotFound", $"The volumes '{string.Join(", ", ids)}' do not exist.");

    public static Ec2Exception NetworkInterfacesNotFound(IReadOnlyList<string> ids) => ids.Count == 1
        ? new("InvalidNetworkInterfaceID.NotFound", $"The networkInterface ID '{ids[0]}' does not exist")
        : new("InvalidNetworkInterfaceID.NotFound", $"The networkInterface IDs '{string.Join(", ", ids)}' do not exist");

    public static Ec2Exception SubnetsNotFound(IReadOnlyList<string> ids) => ids.Count == 1
        ? new("InvalidSubnetID.NotFound", $"The subnet ID '{ids[0]}' does not exist")
        : new("InvalidSubnetID.NotFound", $"The subnet IDs '{string.Join(", ", ids)}' do not exist");

    public static Ec2Exception ImageNotFound(string id) => ImagesNotFound([id]);

    public static Ec2Exception ImagesNotFound(IReadOnlyList<string> ids) => ids.Count == 1
        ? new("InvalidAMIID.NotFound", $"The image id '[{ids[0]}]' does not exist")
        : new("InvalidAMIID.NotFound", $"The image ids '[{string.Join(", ", ids)}]' do not exist");

    public static Ec2Exception ImageUnavailable(string id, string state) =>
        new("InvalidAMIID.Unavailable", $"AMI '{id}' is {state}, and cannot be run");

    public static Ec2Exception SnapshotsNotFound(IReadOnlyList<string> ids) => ids.Count == 1
        ? new("InvalidSnapshot.NotFound", $"The snapshot '{ids[0]}' does not exist.")
        : new("InvalidSnapshot.NotFound", $"The snapshots '{string.Join(", ", ids)}' do not exist.");

    public static Ec2Exception SnapshotInUse(string snapshotId, string imageId) =>
        new("InvalidSnapshot.InUse", $"The snapshot {snapshotId} is currently in use by {imageId}");

    public static Ec2Exception SnapshotRateExceeded() =>
        new("SnapshotCreationPerVolumeRateExceeded",
            "The maximum per volume CreateSnapshot request rate has been exceeded. Use an increasing or variable sleep interval between requests.");

    public static Ec2Exception AmiNameDuplicate(string name, string imageId) =>
        new("InvalidAMIName.Duplicate", $"AMI name {name} is already in use by AMI {imageId}");

    public static Ec2Exception AmiNameMalformed(string name) =>
        new("InvalidAMIName.Malformed",
            $"AMI name '{name}' is invalid: AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/', '[', ']', ' ', '@', apostrophes and '_'");

    public static Ec2Exception Malformed(string code, string id, string prefix) =>
        new(code, $"Invalid id: \"{id}\" (expecting \"{prefix}-...\")");

    public static Ec2Exception InvalidId(string id) => new("InvalidID", $"The ID '{id}' is not valid");

    public static Ec2Exception AttachmentNotFound(string attachmentId) =>
        new("InvalidAttachmentID.NotFound", $"The network interface attachment ID '{attachmentId}' does not exist");

    public static Ec2Exception AllocationNotFound(string allocationId) =>
        new("InvalidAllocationID.NotFound", $"The allocation ID '{allocationId}' does not exist");

    public static Ec2Exception AssociationNotFound(string associationId) =>
        new("InvalidAssociationID.NotFound", $"The association ID '{associationId}' does not exist");

    public static Ec2Exception AlreadyAssociated(string allocationId, string associationId) =>
        new("Resource.AlreadyAssociated", $"resource {allocationId} is already associated with associate-id {associationId}");

    public static Ec2Exception AddressLimitExceeded() =>
        new("AddressLimitExceeded", "The maximum number of addresses has been reached.");

    public static Ec2Exception InstanceNotValidForAddress(string instanceId, string state) =>
        new("InvalidInstanceID", $"The {state} instance '{instanceId}' is not in a valid state for this operation.");

    public static Ec2Exception IncorrectInstanceState(string message) => new("IncorrectInstanceState", message);

    public static Ec2Exception UnsupportedOperation(string message) => new("UnsupportedOperation", message);

    public static Ec2Exception InvalidInstanceType(IEnumerable<string> types) =>
        new("InvalidInstanceType", $"The following supplied instance types do not exist: [{string.Join(", ", types)}]");

    public static Ec2Exception InstanceTypeNotOffered(string type, string zone, IEnumerable<string> offeredIn) =>
        new("Unsupported", $"Your requested instance type ({type}) is not supported in your requested Availability Zone ({zone}). "
            + $"Please retry your request by not specifying an Availability Zone or choosing {string.Join(", ", offeredIn)}.");

    public static Ec2Exception OperationNotPermitted(string message) => new("OperationNotPermitted", message);

    public static Ec2Exception Unauthorized() => new("UnauthorizedOperation", "You are not authorized to perform this operation.", 403);

    public static Ec2Exception TagLimitExceeded() => new("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.");

    public static Ec2Exception RequestLimitExceeded() => new("RequestLimitExceeded", "Request limit exceeded.", 503);

    public static Ec2Exception InsufficientCapacity(string instanceType, string zone, bool spot, IEnumerable<string> otherZones) => spot
        ? new("InsufficientInstanceCapacity", "There is no Spot capacity available that matches your request.", 500)
        : new("InsufficientInstanceCapacity",
            $"We currently do not have sufficient {instanceType} capacity in the Availability Zone you requested ({zone}). Our system will be working on provisioning additional capacity. You can currently get {instanceType} capacity by not specifying an Availability Zone in your request or choosing {string.Join(", ", otherZones)}.",
            500);

    public static Ec2Exception InvalidInstanceAttributeValue(string message) => new("InvalidInstanceAttributeValue", message);

    /// <summary>An error injected by a fault: the usual status and message of well-known codes unless given.</summary>
    public static Ec2Exception Injected(string code, int? status, string? message)
    {
        var (usualStatus, usualMessage) = code switch
        {
            "InternalError" => (500, "An internal error has occurred"),
            "InternalFailure" => (500, "The request processing has failed because of an unknown error, exception or failure."),
            "Unavailable" => (503, "The service is unavailable. Please try again shortly."),
            "ServiceUnavailable" => (503, "The request has failed due to a temporary failure of the server."),
            "RequestLimitExceeded" => (503, "Request limit exceeded."),
            "InsufficientInstanceCapacity" => (500, "Insufficient capacity."),
            "InsufficientAddressCapacity" or "InsufficientCapacity" or "InsufficientVolumeCapacity" => (500, "Insufficient capacity."),
            "UnauthorizedOperation" or "AuthFailure" => (403, "You are not authorized to perform this operation."),
            _ => (400, "An error was injected by the emulator."),
        };
        return new Ec2Exception(code, message ?? usualMessage, status ?? usualStatus);
    }

    public static Ec2Exception InvalidZone(string zone) =>
        new("InvalidParameterValue", $"Invalid availability zone: [{zone}]");

    public static Ec2Exception IdempotentParameterMismatch() =>
        new("IdempotentParameterMismatch", "Arguments on this idempotent request are inconsistent with arguments used in previous request(s).");

    public static Ec2Exception IdempotentInstanceTerminated() =>
        new("IdempotentInstanceTerminated", "The client token you have provided is associated with a resource that is already deleted. Please use a different client token.");

    public static Ec2Exception IncorrectState(string message) => new("IncorrectState", message);

    public static Ec2Exception VolumeInUse(string message) => new("VolumeInUse", message);

    public static Ec2Exception ZoneMismatch(string volumeId, string instanceId) =>
        new("InvalidVolume.ZoneMismatch", $"The volume '{volumeId}' is not in the same availability zone as instance '{instanceId}'");

    public static Ec2Exception InterfaceInUseAtLaunch(string eniId) =>
        new("InvalidNetworkInterface.InUse", $"Interface: [{eniId}] in use.");

    public static Ec2Exception InterfaceInUse(string eniId) =>
        new("InvalidNetworkInterface.InUse", $"Network interface '{eniId}' is currently in use.");

    public static Ec2Exception AddressInUse() =>
        new("InvalidIPAddress.InUse", "The specified address is already in use.");

    /// <summary>AssignPrivateIpAddresses of held addresses without AllowReassignment (the text AWS answers, seen in the wild).</summary>
    public static Ec2Exception AddressMoveNotAllowed(IEnumerable<string> addresses) =>
        new("InvalidParameterValue", $"[{string.Join(", ", addresses)}] assigned, but move is not allowed.");

    public static Ec2Exception PrimaryAddressNotMovable(string address, string eniId) =>
        new("InvalidParameterValue", $"Address {address} is the primary private IP address of network interface {eniId} and cannot be reassigned.");

    public static Ec2Exception PrivateAddressLimitExceeded(string eniId) =>
        new("PrivateIpAddressLimitExceeded", $"{eniId}: Number of private addresses will exceed limit.");

    public static Ec2Exception PrimaryAddressNotUnassignable(string address) =>
        new("InvalidParameterValue", $"Value ({address}) for parameter privateIpAddress is invalid. The primary IP address of an interface cannot be unassigned.");

    public static Ec2Exception AddressesNotAssigned(string eniId) =>
        new("InvalidParameterValue", $"Some of the specified addresses are not assigned to interface {eniId}");

    public static Ec2Exception InvalidBlockDeviceMapping(string message) => new("InvalidBlockDeviceMapping", message);

    public static Ec2Exception InvalidAttachmentNotFound(string volumeId, string instanceId) =>
        new("InvalidAttachment.NotFound", $"Volume '{volumeId}' can not be detached from '{instanceId}' because it is not attached");
}
