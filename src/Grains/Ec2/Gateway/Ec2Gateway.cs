using Amazon.EC2.Model;
using Microsoft.Extensions.Options;

namespace StatefulSpot.Grains.Ec2.Gateway;

/// <summary>
/// The silo's one way to EC2. Every call waits for a token of its action's bucket (this silo's share of the
/// account's budget), in order of priority and deadline; a throttle EC2 answers anyway empties the bucket and is
/// waited out here, up to <see cref="Ec2GatewayOptions.MaxQueueWait"/>, then reported as a throttle (which the saga
/// waits out too, never counting it as a failed attempt). Describes by id from many grains share one call.
/// </summary>
public sealed class Ec2Gateway : IEc2Api
{
    private readonly IEc2Api _inner;
    private readonly Ec2Budget _budget;
    private readonly Ec2GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly DescribeBatcher<(Reservation Reservation, Instance Instance)> _instances;
    private readonly DescribeBatcher<Volume> _volumes;
    private readonly DescribeBatcher<NetworkInterface> _interfaces;
    private readonly DescribeBatcher<Snapshot> _snapshots;
    private readonly DescribeBatcher<Image> _images;

    public Ec2Gateway(IEc2Api inner, Ec2Budget budget, IOptions<Ec2GatewayOptions> options, TimeProvider time)
    {
        _inner = inner;
        _budget = budget;
        _options = options.Value;
        _time = time;
        _instances = Batcher<(Reservation Reservation, Instance Instance)>("DescribeInstances", async (ids, ct) =>
            [.. ((await inner.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [.. ids] }, ct)).Reservations ?? [])
                .SelectMany(r => (r.Instances ?? []).Select(i => (r, i)))], item => item.Instance.InstanceId);
        _volumes = Batcher<Volume>("DescribeVolumes", async (ids, ct) =>
            (await inner.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [.. ids] }, ct)).Volumes ?? [], v => v.VolumeId);
        _interfaces = Batcher<NetworkInterface>("DescribeNetworkInterfaces", async (ids, ct) =>
            (await inner.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [.. ids] }, ct))
                .NetworkInterfaces ?? [], n => n.NetworkInterfaceId);
        _snapshots = Batcher<Snapshot>("DescribeSnapshots", async (ids, ct) =>
            (await inner.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [.. ids] }, ct)).Snapshots ?? [], s => s.SnapshotId);
        _images = Batcher<Image>("DescribeImages", async (ids, ct) =>
            (await inner.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [.. ids] }, ct)).Images ?? [], i => i.ImageId);
    }

    public async Task<DescribeInstancesResponse> DescribeInstancesAsync(DescribeInstancesRequest request, CancellationToken cancellationToken)
    {
        if (!ById(request.InstanceIds, request.Filters, request.NextToken, request.MaxResults))
        {
            return await CallAsync(request, _inner.DescribeInstancesAsync, cancellationToken, Unfiltered(request.InstanceIds, request.Filters, request.NextToken));
        }

        var items = await _instances.DescribeAsync(request.InstanceIds, cancellationToken);
        return new DescribeInstancesResponse
        {
            Reservations = [.. items.GroupBy(i => i.Reservation).Select(g => new Reservation
            {
                ReservationId = g.Key.ReservationId,
                OwnerId = g.Key.OwnerId,
                RequesterId = g.Key.RequesterId,
                Groups = g.Key.Groups,
                Instances = [.. g.Select(i => i.Instance)],
            })],
        };
    }

    public async Task<DescribeVolumesResponse> DescribeVolumesAsync(DescribeVolumesRequest request, CancellationToken cancellationToken) =>
        ById(request.VolumeIds, request.Filters, request.NextToken, request.MaxResults)
            ? new DescribeVolumesResponse { Volumes = [.. await _volumes.DescribeAsync(request.VolumeIds, cancellationToken)] }
            : await CallAsync(request, _inner.DescribeVolumesAsync, cancellationToken, Unfiltered(request.VolumeIds, request.Filters, request.NextToken));

    public async Task<DescribeNetworkInterfacesResponse> DescribeNetworkInterfacesAsync(DescribeNetworkInterfacesRequest request,
        CancellationToken cancellationToken) =>
        ById(request.NetworkInterfaceIds, request.Filters, request.NextToken, request.MaxResults)
            ? new DescribeNetworkInterfacesResponse { NetworkInterfaces = [.. await _interfaces.DescribeAsync(request.NetworkInterfaceIds, cancellationToken)] }
            : await CallAsync(request, _inner.DescribeNetworkInterfacesAsync, cancellationToken,
                Unfiltered(request.NetworkInterfaceIds, request.Filters, request.NextToken));

    public async Task<DescribeSnapshotsResponse> DescribeSnapshotsAsync(DescribeSnapshotsRequest request, CancellationToken cancellationToken) =>
        ById(request.SnapshotIds, request.Filters, request.NextToken, request.MaxResults) && IsEmpty(request.OwnerIds) && IsEmpty(request.RestorableByUserIds)
            ? new DescribeSnapshotsResponse { Snapshots = [.. await _snapshots.DescribeAsync(request.SnapshotIds, cancellationToken)] }
            : await CallAsync(request, _inner.DescribeSnapshotsAsync, cancellationToken,
                Unfiltered(request.SnapshotIds, request.Filters, request.NextToken) && IsEmpty(request.OwnerIds));

    public async Task<DescribeImagesResponse> DescribeImagesAsync(DescribeImagesRequest request, CancellationToken cancellationToken) =>
        ById(request.ImageIds, request.Filters, request.NextToken, request.MaxResults) && IsEmpty(request.Owners) && IsEmpty(request.ExecutableUsers)
            ? new DescribeImagesResponse { Images = [.. await _images.DescribeAsync(request.ImageIds, cancellationToken)] }
            : await CallAsync(request, _inner.DescribeImagesAsync, cancellationToken);

    public Task<RunInstancesResponse> RunInstancesAsync(RunInstancesRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.RunInstancesAsync, cancellationToken);

    public Task<TerminateInstancesResponse> TerminateInstancesAsync(TerminateInstancesRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.TerminateInstancesAsync, cancellationToken);

    public Task<CreateVolumeResponse> CreateVolumeAsync(CreateVolumeRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.CreateVolumeAsync, cancellationToken);

    public Task<AttachVolumeResponse> AttachVolumeAsync(AttachVolumeRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.AttachVolumeAsync, cancellationToken);

    public Task<DetachVolumeResponse> DetachVolumeAsync(DetachVolumeRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.DetachVolumeAsync, cancellationToken);

    public Task<CreateNetworkInterfaceResponse> CreateNetworkInterfaceAsync(CreateNetworkInterfaceRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.CreateNetworkInterfaceAsync, cancellationToken);

    public Task<DeleteVolumeResponse> DeleteVolumeAsync(DeleteVolumeRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.DeleteVolumeAsync, cancellationToken);

    public Task<DeleteNetworkInterfaceResponse> DeleteNetworkInterfaceAsync(DeleteNetworkInterfaceRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.DeleteNetworkInterfaceAsync, cancellationToken);

    public Task<AssociateAddressResponse> AssociateAddressAsync(AssociateAddressRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.AssociateAddressAsync, cancellationToken);

    public Task<AssignPrivateIpAddressesResponse> AssignPrivateIpAddressesAsync(AssignPrivateIpAddressesRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.AssignPrivateIpAddressesAsync, cancellationToken);

    public Task<UnassignPrivateIpAddressesResponse> UnassignPrivateIpAddressesAsync(UnassignPrivateIpAddressesRequest request,
        CancellationToken cancellationToken) => CallAsync(request, _inner.UnassignPrivateIpAddressesAsync, cancellationToken);

    public Task<CreateSnapshotResponse> CreateSnapshotAsync(CreateSnapshotRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.CreateSnapshotAsync, cancellationToken);

    public Task<DeleteSnapshotResponse> DeleteSnapshotAsync(DeleteSnapshotRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.DeleteSnapshotAsync, cancellationToken);

    public Task<DescribeInstanceTypeOfferingsResponse> DescribeInstanceTypeOfferingsAsync(DescribeInstanceTypeOfferingsRequest request,
        CancellationToken cancellationToken) => CallAsync(request, _inner.DescribeInstanceTypeOfferingsAsync, cancellationToken);

    public Task<CreateImageResponse> CreateImageAsync(CreateImageRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.CreateImageAsync, cancellationToken);

    public Task<RegisterImageResponse> RegisterImageAsync(RegisterImageRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.RegisterImageAsync, cancellationToken);

    public Task<DeregisterImageResponse> DeregisterImageAsync(DeregisterImageRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.DeregisterImageAsync, cancellationToken);

    public Task<DescribeSubnetsResponse> DescribeSubnetsAsync(DescribeSubnetsRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.DescribeSubnetsAsync, cancellationToken);

    public Task<DescribeSecurityGroupsResponse> DescribeSecurityGroupsAsync(DescribeSecurityGroupsRequest request, CancellationToken cancellationToken) =>
        CallAsync(request, _inner.DescribeSecurityGroupsAsync, cancellationToken);

    /// <summary>One call at its priority: waits for a token, and waits out EC2's own throttles, within the longest queue wait.</summary>
    private async Task<TResponse> CallAsync<TRequest, TResponse>(TRequest request, Func<TRequest, CancellationToken, Task<TResponse>> call,
        CancellationToken cancellationToken, bool unfiltered = false)
    {
        var action = InstrumentedEc2Api.ActionOf(typeof(TRequest));
        var bucket = _budget.For(action, unfiltered);
        var started = _time.GetTimestamp();
        while (true)
        {
            var remaining = _options.MaxQueueWait - _time.GetElapsedTime(started);
            await bucket.AcquireAsync(Ec2CallContext.Priority, Ec2CallContext.DeadlineTicks, remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1),
                action, cancellationToken);
            try
            {
                return await call(request, cancellationToken);
            }
            catch (Exception exception) when (Ec2Errors.Classify(exception) == Ec2ErrorKind.Throttled)
            {
                // Someone else in the account drew on this bucket: slow every caller of this action down, and try again.
                bucket.Drain();
                if (_time.GetElapsedTime(started) >= _options.MaxQueueWait)
                {
                    throw;
                }
            }
        }
    }

    private DescribeBatcher<TItem> Batcher<TItem>(string action, Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<TItem>>> describe,
        Func<TItem, string> idOf) => new(action, describe, idOf, () => _budget.For(action), _options, _time);

    private static bool ById<TFilter>(List<string>? ids, List<TFilter>? filters, string? nextToken, int? maxResults) =>
        ids is { Count: > 0 } && IsEmpty(filters) && string.IsNullOrEmpty(nextToken) && maxResults is null;

    /// <summary>A describe with neither ids, filters nor paging draws on AWS's smaller "unfiltered and unpaginated" bucket.</summary>
    private static bool Unfiltered<TFilter>(List<string>? ids, List<TFilter>? filters, string? nextToken) =>
        IsEmpty(ids) && IsEmpty(filters) && string.IsNullOrEmpty(nextToken);

    private static bool IsEmpty<T>(List<T>? list) => list is null or { Count: 0 };
}
