using Microsoft.Extensions.Logging;

namespace StatefulSpot.Grains.IpPools;

public sealed partial class IpPoolGrain
{
    [LoggerMessage(1, LogLevel.Information, "IP pool {Pool} defined in {SubnetId} ({SubnetCidr}, {AvailabilityZone}) with {Count} addresses")]
    private partial void LogDefined(string pool, string subnetId, string subnetCidr, string availabilityZone, int count);

    [LoggerMessage(2, LogLevel.Information, "IP pool {Pool}: leased {Address} to {ManagedInstanceId}")]
    private partial void LogLeased(string pool, string address, string managedInstanceId);

    [LoggerMessage(3, LogLevel.Information, "IP pool {Pool}: released {Address} from {ManagedInstanceId}")]
    private partial void LogReleased(string pool, string address, string managedInstanceId);

    [LoggerMessage(4, LogLevel.Warning, "IP pool {Pool} is full ({Capacity} addresses); {ManagedInstanceId} got no lease")]
    private partial void LogExhausted(string pool, int capacity, string managedInstanceId);

    [LoggerMessage(5, LogLevel.Warning, "IP pool {Pool}: quarantined {Address}, reported in use by {ManagedInstanceId}: {Reason}")]
    private partial void LogQuarantined(string pool, string address, string managedInstanceId, string reason);

    [LoggerMessage(6, LogLevel.Information, "IP pool {Pool}: {Address} is back in rotation")]
    private partial void LogQuarantineCleared(string pool, string address);

    [LoggerMessage(7, LogLevel.Warning, "IP pool {Pool}: writing state failed, deactivating to re-read it")]
    private partial void LogWriteFailed(string pool, Exception exception);
}
