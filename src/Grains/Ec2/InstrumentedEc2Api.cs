using System.Diagnostics;
using Amazon.EC2.Model;
using Amazon.Runtime;
using StatefulSpot.Grains.Telemetry;

namespace StatefulSpot.Grains.Ec2;

/// <summary>
/// Measures and traces every EC2 call of the <see cref="IEc2Api"/> it wraps: a client span
/// <c>EC2 {Action}</c> on <see cref="StatefulSpotMetrics.ActivitySource"/>, the call counter and duration by action and
/// outcome (<c>ok</c> or the EC2 error code), and the throttle counter. Errors pass through unchanged.
/// </summary>
public sealed class InstrumentedEc2Api(IEc2Api inner, StatefulSpotMetrics metrics) : IEc2Api
{
    public Task<RunInstancesResponse> RunInstancesAsync(RunInstancesRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.RunInstancesAsync, cancellationToken);

    public Task<DescribeInstancesResponse> DescribeInstancesAsync(DescribeInstancesRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.DescribeInstancesAsync, cancellationToken);

    public Task<TerminateInstancesResponse> TerminateInstancesAsync(TerminateInstancesRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.TerminateInstancesAsync, cancellationToken);

    public Task<CreateVolumeResponse> CreateVolumeAsync(CreateVolumeRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.CreateVolumeAsync, cancellationToken);

    public Task<DescribeVolumesResponse> DescribeVolumesAsync(DescribeVolumesRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.DescribeVolumesAsync, cancellationToken);

    public Task<AttachVolumeResponse> AttachVolumeAsync(AttachVolumeRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.AttachVolumeAsync, cancellationToken);

    public Task<DetachVolumeResponse> DetachVolumeAsync(DetachVolumeRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.DetachVolumeAsync, cancellationToken);

    public Task<CreateNetworkInterfaceResponse> CreateNetworkInterfaceAsync(CreateNetworkInterfaceRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.CreateNetworkInterfaceAsync, cancellationToken);

    public Task<DescribeNetworkInterfacesResponse> DescribeNetworkInterfacesAsync(DescribeNetworkInterfacesRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.DescribeNetworkInterfacesAsync, cancellationToken);

    public Task<DeleteVolumeResponse> DeleteVolumeAsync(DeleteVolumeRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.DeleteVolumeAsync, cancellationToken);

    public Task<DeleteNetworkInterfaceResponse> DeleteNetworkInterfaceAsync(DeleteNetworkInterfaceRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.DeleteNetworkInterfaceAsync, cancellationToken);

    public Task<AssociateAddressResponse> AssociateAddressAsync(AssociateAddressRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.AssociateAddressAsync, cancellationToken);

    public Task<AssignPrivateIpAddressesResponse> AssignPrivateIpAddressesAsync(AssignPrivateIpAddressesRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.AssignPrivateIpAddressesAsync, cancellationToken);

    public Task<UnassignPrivateIpAddressesResponse> UnassignPrivateIpAddressesAsync(UnassignPrivateIpAddressesRequest request,
        CancellationToken cancellationToken) => CallAsync(request, inner.UnassignPrivateIpAddressesAsync, cancellationToken);

    public Task<CreateSnapshotResponse> CreateSnapshotAsync(CreateSnapshotRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.CreateSnapshotAsync, cancellationToken);

    public Task<DescribeSnapshotsResponse> DescribeSnapshotsAsync(DescribeSnapshotsRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.DescribeSnapshotsAsync, cancellationToken);

    public Task<DeleteSnapshotResponse> DeleteSnapshotAsync(DeleteSnapshotRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.DeleteSnapshotAsync, cancellationToken);

    public Task<CreateImageResponse> CreateImageAsync(CreateImageRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.CreateImageAsync, cancellationToken);

    public Task<DescribeInstanceTypeOfferingsResponse> DescribeInstanceTypeOfferingsAsync(DescribeInstanceTypeOfferingsRequest request,
        CancellationToken cancellationToken) => CallAsync(request, inner.DescribeInstanceTypeOfferingsAsync, cancellationToken);

    public Task<RegisterImageResponse> RegisterImageAsync(RegisterImageRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.RegisterImageAsync, cancellationToken);

    public Task<DescribeImagesResponse> DescribeImagesAsync(DescribeImagesRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.DescribeImagesAsync, cancellationToken);

    public Task<DeregisterImageResponse> DeregisterImageAsync(DeregisterImageRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.DeregisterImageAsync, cancellationToken);

    public Task<DescribeSubnetsResponse> DescribeSubnetsAsync(DescribeSubnetsRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.DescribeSubnetsAsync, cancellationToken);

    public Task<DescribeSecurityGroupsResponse> DescribeSecurityGroupsAsync(DescribeSecurityGroupsRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, inner.DescribeSecurityGroupsAsync, cancellationToken);

    /// <summary>The IAM / API action of a request type: <c>RunInstancesRequest</c> -> <c>RunInstances</c>.</summary>
    public static string ActionOf(Type requestType) => requestType.Name.EndsWith("Request", StringComparison.Ordinal)
        ? requestType.Name[..^"Request".Length]
        : requestType.Name;

    /// <summary>The outcome tag of a failed call: the AWS error code, else the exception's type name.</summary>
    public static string OutcomeOf(Exception exception) => exception switch
    {
        AmazonServiceException { ErrorCode: { Length: > 0 } code } => code,
        OperationCanceledException => "Canceled",
        _ => exception.GetType().Name,
    };

    private async Task<TResponse> CallAsync<TRequest, TResponse>(
        TRequest request, Func<TRequest, CancellationToken, Task<TResponse>> call, CancellationToken cancellationToken)
    {
        var action = ActionName<TRequest>.Value;
        using var activity = StatefulSpotMetrics.ActivitySource.StartActivity($"EC2 {action}", ActivityKind.Client);
        activity?.SetTag("rpc.system", "aws-api");
        activity?.SetTag("rpc.service", "EC2");
        activity?.SetTag("rpc.method", action);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await call(request, cancellationToken);
            metrics.Ec2Call(action, StatefulSpotMetrics.Ok, Stopwatch.GetElapsedTime(started), throttled: false);
            return response;
        }
        catch (Exception exception)
        {
            var outcome = OutcomeOf(exception);
            var throttled = Ec2Errors.Classify(exception) == Ec2ErrorKind.Throttled;
            metrics.Ec2Call(action, outcome, Stopwatch.GetElapsedTime(started), throttled);
            activity?.SetTag("aws.error_code", outcome);
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
            throw;
        }
    }

    private static class ActionName<TRequest>
    {
        public static readonly string Value = ActionOf(typeof(TRequest));
    }
}
