using Orleans.Concurrency;

namespace StatefulSpot.Grains.Interfaces;

/// <summary>
/// One EC2 instance, keyed by its id (i-…). The implicit subscriber of the <c>ec2-events</c> stream: it knows
/// which managed instance owns the EC2 instance and forwards the signals that matter to it.
/// </summary>
[Alias("statefulspot.IEc2InstanceGrain")]
public interface IEc2InstanceGrain : IGrainWithStringKey
{
    /// <summary>Records the owning managed instance; written by that managed instance when it launches the instance.</summary>
    [Alias("set-owner")]
    Task SetOwnerAsync(string managedInstanceId, int generation, CancellationToken cancellationToken = default);

    [Alias("get-owner"), ReadOnly, AlwaysInterleave]
    Task<string?> GetOwnerAsync(CancellationToken cancellationToken = default);
}
