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

    public static Ec2Exception ImageNotFound(string id) =>
        new("InvalidAMIID.NotFound", $"The image id '[{id}]' does not exist");

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

    public static Ec2Exception InvalidBlockDeviceMapping(string message) => new("InvalidBlockDeviceMapping", message);

    public static Ec2Exception InvalidAttachmentNotFound(string volumeId, string instanceId) =>
        new("InvalidAttachment.NotFound", $"Volume '{volumeId}' can not be detached from '{instanceId}' because it is not attached");
}
