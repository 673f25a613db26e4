using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using StatefulSpot.Grains.Ec2;

namespace StatefulSpot.Unit.Tests.Ec2;

/// <summary>
/// An in-memory EC2 behind <see cref="IEc2Api"/>: records every call with the (fake) time it arrived, answers describes
/// from its instances and volumes, and fails like EC2 does: unknown ids with a NotFound naming them, and throttles on
/// demand. Only the calls the gateway tests make are implemented.
/// </summary>
internal sealed class FakeEc2Api(TimeProvider time) : IEc2Api
{
    private readonly Lock _lock = new();
    private readonly List<Reservation> _reservations = [];
    private readonly Dictionary<string, Volume> _volumes = new(StringComparer.Ordinal);
    private readonly List<RecordedCall> _calls = [];
    private int _throttles;

    /// <summary>Whether a NotFound names the unknown ids, as EC2 does; false for a message that names none.</summary>
    public bool NamesUnknownIds { get; set; } = true;

    /// <summary>Every mutating call is throttled.</summary>
    public bool ThrottleAlways { get; set; }

    /// <summary>Every describe is throttled.</summary>
    public bool ThrottleDescribes { get; set; }

    public IReadOnlyList<RecordedCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<RecordedCall> CallsOf(string action) => [.. Calls.Where(c => c.Action == action)];

    /// <summary>Throttles the next <paramref name="count"/> mutating calls.</summary>
    public void ThrottleNext(int count)
    {
        lock (_lock)
        {
            _throttles = count;
        }
    }

    public void AddReservation(string reservationId, params string[] instanceIds)
    {
        lock (_lock)
        {
            _reservations.Add(new Reservation
            {
                ReservationId = reservationId,
                OwnerId = "123456789012",
                Instances = [.. instanceIds.Select(id => new Instance { InstanceId = id, State = new InstanceState { Name = InstanceStateName.Running } })],
            });
        }
    }

    public void AddVolume(string volumeId)
    {
        lock (_lock)
        {
            _volumes[volumeId] = new Volume { VolumeId = volumeId, State = VolumeState.Available, Size = 100 };
        }
    }

    public Task<DescribeInstancesResponse> DescribeInstancesAsync(DescribeInstancesRequest request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Record("DescribeInstances", request);
            ThrowIfDescribeThrottled();
            var ids = request.InstanceIds ?? [];
            ThrowIfMalformed(ids);
            var known = _reservations.SelectMany(r => r.Instances).Select(i => i.InstanceId).ToHashSet(StringComparer.Ordinal);
            ThrowIfUnknown(ids, known, "InvalidInstanceID.NotFound", "instance ID", "instance IDs");
            var wanted = ids.ToHashSet(StringComparer.Ordinal);
            var reservations = _reservations
                .Select(r => new Reservation
                {
                    ReservationId = r.ReservationId,
                    OwnerId = r.OwnerId,
                    Instances = [.. r.Instances.Where(i => wanted.Count == 0 || wanted.Contains(i.InstanceId))],
                })
                .Where(r => r.Instances.Count > 0)
                .ToList();
            return Task.FromResult(new DescribeInstancesResponse { Reservations = reservations });
        }
    }

    public Task<DescribeVolumesResponse> DescribeVolumesAsync(DescribeVolumesRequest request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Record("DescribeVolumes", request);
            ThrowIfDescribeThrottled();
            var ids = request.VolumeIds ?? [];
            ThrowIfUnknown(ids, [.. _volumes.Keys], "InvalidVolume.NotFound", "volume", "volumes");
            List<Volume> volumes = ids.Count == 0 ? [.. _volumes.Values] : [.. ids.Distinct(StringComparer.Ordinal).Select(id => _volumes[id])];
            return Task.FromResult(new DescribeVolumesResponse { Volumes = volumes });
        }
    }

    public Task<AttachVolumeResponse> AttachVolumeAsync(AttachVolumeRequest request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Record("AttachVolume", request);
            ThrowIfThrottled();
            return Task.FromResult(new AttachVolumeResponse
            {
                Attachment = new VolumeAttachment
                {
                    VolumeId = request.VolumeId,
                    InstanceId = request.InstanceId,
                    Device = request.Device,
                    State = VolumeAttachmentState.Attaching,
                },
            });
        }
    }

    public Task<DetachVolumeResponse> DetachVolumeAsync(DetachVolumeRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<TerminateInstancesResponse> TerminateInstancesAsync(TerminateInstancesRequest request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Record("TerminateInstances", request);
            ThrowIfThrottled();
            return Task.FromResult(new TerminateInstancesResponse
            {
                TerminatingInstances = [.. request.InstanceIds.Select(id => new InstanceStateChange
                {
                    InstanceId = id,
                    CurrentState = new InstanceState { Name = InstanceStateName.ShuttingDown },
                })],
            });
        }
    }

    public Task<RunInstancesResponse> RunInstancesAsync(RunInstancesRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<CreateVolumeResponse> CreateVolumeAsync(CreateVolumeRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<CreateNetworkInterfaceResponse> CreateNetworkInterfaceAsync(CreateNetworkInterfaceRequest request, CancellationToken cancellationToken) =>
        throw Unused();

    public Task<DescribeNetworkInterfacesResponse> DescribeNetworkInterfacesAsync(DescribeNetworkInterfacesRequest request,
        CancellationToken cancellationToken) => throw Unused();

    public Task<DeleteVolumeResponse> DeleteVolumeAsync(DeleteVolumeRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<DeleteNetworkInterfaceResponse> DeleteNetworkInterfaceAsync(DeleteNetworkInterfaceRequest request, CancellationToken cancellationToken) =>
        throw Unused();

    public Task<AssociateAddressResponse> AssociateAddressAsync(AssociateAddressRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<AssignPrivateIpAddressesResponse> AssignPrivateIpAddressesAsync(AssignPrivateIpAddressesRequest request, CancellationToken cancellationToken) =>
        throw Unused();

    public Task<UnassignPrivateIpAddressesResponse> UnassignPrivateIpAddressesAsync(UnassignPrivateIpAddressesRequest request,
        CancellationToken cancellationToken) => throw Unused();

    public Task<CreateSnapshotResponse> CreateSnapshotAsync(CreateSnapshotRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<DescribeSnapshotsResponse> DescribeSnapshotsAsync(DescribeSnapshotsRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<DeleteSnapshotResponse> DeleteSnapshotAsync(DeleteSnapshotRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<DescribeInstanceTypeOfferingsResponse> DescribeInstanceTypeOfferingsAsync(DescribeInstanceTypeOfferingsRequest request,
        CancellationToken cancellationToken) => throw Unused();

    public Task<CreateImageResponse> CreateImageAsync(CreateImageRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<RegisterImageResponse> RegisterImageAsync(RegisterImageRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<DescribeImagesResponse> DescribeImagesAsync(DescribeImagesRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<DeregisterImageResponse> DeregisterImageAsync(DeregisterImageRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<DescribeSubnetsResponse> DescribeSubnetsAsync(DescribeSubnetsRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<DescribeSecurityGroupsResponse> DescribeSecurityGroupsAsync(DescribeSecurityGroupsRequest request, CancellationToken cancellationToken) => throw Unused();

    private static NotSupportedException Unused() => new("The gateway tests do not make this call.");

    private static AmazonEC2Exception Throttle() =>
        new("Request limit exceeded.") { ErrorCode = "RequestLimitExceeded", ErrorType = ErrorType.Sender, StatusCode = HttpStatusCode.ServiceUnavailable };

    private void Record(string action, AmazonWebServiceRequest request) => _calls.Add(new RecordedCall(action, request, time.GetUtcNow()));

    private void ThrowIfThrottled()
    {
        if (ThrottleAlways || _throttles > 0)
        {
            _throttles = Math.Max(0, _throttles - 1);
            throw Throttle();
        }
    }

    private void ThrowIfDescribeThrottled()
    {
        if (ThrottleDescribes)
        {
            throw Throttle();
        }
    }

    /// <summary>EC2 refuses the whole call when one id is not an instance id at all: i- and 8 or 17 hex digits.</summary>
    private static void ThrowIfMalformed(IEnumerable<string> ids)
    {
        if (ids.FirstOrDefault(id => !IsInstanceId(id)) is { } malformed)
        {
            throw new AmazonEC2Exception($"Invalid id: \"{malformed}\" (expecting \"i-...\")")
            {
                ErrorCode = "InvalidInstanceID.Malformed", ErrorType = ErrorType.Sender, StatusCode = HttpStatusCode.BadRequest,
            };
        }

        static bool IsInstanceId(string id) =>
            id.StartsWith("i-", StringComparison.Ordinal) && id.Length is 10 or 19 && id[2..].All(char.IsAsciiHexDigitLower);
    }

    /// <summary>EC2's answer to unknown ids: "The instance ID 'i-1' does not exist", or "The instance IDs 'i-1, i-2' do not exist".</summary>
    private void ThrowIfUnknown(IEnumerable<string> ids, HashSet<string> known, string code, string singular, string plural)
    {
        var unknown = ids.Where(id => !known.Contains(id)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count == 0)
        {
            return;
        }

        var message = !NamesUnknownIds ? $"One or more of the {plural} do not exist"
            : unknown.Count == 1 ? $"The {singular} '{unknown[0]}' does not exist"
            : $"The {plural} '{string.Join(", ", unknown)}' do not exist";
        throw new AmazonEC2Exception(message) { ErrorCode = code, ErrorType = ErrorType.Sender, StatusCode = HttpStatusCode.BadRequest };
    }

    public sealed record RecordedCall(string Action, AmazonWebServiceRequest Request, DateTimeOffset At);
}
