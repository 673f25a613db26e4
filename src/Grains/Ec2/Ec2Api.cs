using Amazon.EC2;
using Amazon.EC2.Model;

namespace StatefulSpot.Grains.Ec2;

/// <summary><see cref="IEc2Api"/> over the real SDK client (which points at AWS or at the emulator).</summary>
public sealed class Ec2Api(IAmazonEC2 ec2) : IEc2Api
{
    public Task<RunInstancesResponse> RunInstancesAsync(RunInstancesRequest request, CancellationToken cancellationToken) =>
        ec2.RunInstancesAsync(request, cancellationToken);

    public Task<DescribeInstancesResponse> DescribeInstancesAsync(DescribeInstancesRequest request, CancellationToken cancellationToken) =>
        ec2.DescribeInstancesAsync(request, cancellationToken);

    public Task<TerminateInstancesResponse> TerminateInstancesAsync(TerminateInstancesRequest request, CancellationToken cancellationToken) =>
        ec2.TerminateInstancesAsync(request, cancellationToken);

    public Task<CreateVolumeResponse> CreateVolumeAsync(CreateVolumeRequest request, CancellationToken cancellationToken) =>
        ec2.CreateVolumeAsync(request, cancellationToken);

    public Task<DescribeVolumesResponse> DescribeVolumesAsync(DescribeVolumesRequest request, CancellationToken cancellationToken) =>
        ec2.DescribeVolumesAsync(request, cancellationToken);

    public Task<AttachVolumeResponse> AttachVolumeAsync(AttachVolumeRequest request, CancellationToken cancellationToken) =>
        ec2.AttachVolumeAsync(request, cancellationToken);

    public Task<DetachVolumeResponse> DetachVolumeAsync(DetachVolumeRequest request, CancellationToken cancellationToken) =>
        ec2.DetachVolumeAsync(request, cancellationToken);

    public Task<CreateNetworkInterfaceResponse> CreateNetworkInterfaceAsync(CreateNetworkInterfaceRequest request, CancellationToken cancellationToken) =>
        ec2.CreateNetworkInterfaceAsync(request, cancellationToken);

    public Task<DescribeNetworkInterfacesResponse> DescribeNetworkInterfacesAsync(DescribeNetworkInterfacesRequest request, CancellationToken cancellationToken) =>
        ec2.DescribeNetworkInterfacesAsync(request, cancellationToken);

    public Task<DeleteVolumeResponse> DeleteVolumeAsync(DeleteVolumeRequest request, CancellationToken cancellationToken) =>
        ec2.DeleteVolumeAsync(request, cancellationToken);

    public Task<DeleteNetworkInterfaceResponse> DeleteNetworkInterfaceAsync(DeleteNetworkInterfaceRequest request, CancellationToken cancellationToken) =>
        ec2.DeleteNetworkInterfaceAsync(request, cancellationToken);

    public Task<AssociateAddressResponse> AssociateAddressAsync(AssociateAddressRequest request, CancellationToken cancellationToken) =>
        ec2.AssociateAddressAsync(request, cancellationToken);

    public Task<AssignPrivateIpAddressesResponse> AssignPrivateIpAddressesAsync(AssignPrivateIpAddressesRequest request, CancellationToken cancellationToken) =>
        ec2.AssignPrivateIpAddressesAsync(request, cancellationToken);

    public Task<UnassignPrivateIpAddressesResponse> UnassignPrivateIpAddressesAsync(UnassignPrivateIpAddressesRequest request,
        CancellationToken cancellationToken) => ec2.UnassignPrivateIpAddressesAsync(request, cancellationToken);

    public Task<CreateSnapshotResponse> CreateSnapshotAsync(CreateSnapshotRequest request, CancellationToken cancellationToken) =>
        ec2.CreateSnapshotAsync(request, cancellationToken);

    public Task<DescribeInstanceTypeOfferingsResponse> DescribeInstanceTypeOfferingsAsync(DescribeInstanceTypeOfferingsRequest request,
        CancellationToken cancellationToken) => ec2.DescribeInstanceTypeOfferingsAsync(request, cancellationToken);

    public Task<CreateImageResponse> CreateImageAsync(CreateImageRequest request, CancellationToken cancellationToken) =>
        ec2.CreateImageAsync(request, cancellationToken);

    public Task<DescribeSnapshotsResponse> DescribeSnapshotsAsync(DescribeSnapshotsRequest request, CancellationToken cancellationToken) =>
        ec2.DescribeSnapshotsAsync(request, cancellationToken);

    public Task<DeleteSnapshotResponse> DeleteSnapshotAsync(DeleteSnapshotRequest request, CancellationToken cancellationToken) =>
        ec2.DeleteSnapshotAsync(request, cancellationToken);

    public Task<RegisterImageResponse> RegisterImageAsync(RegisterImageRequest request, CancellationToken cancellationToken) =>
        ec2.RegisterImageAsync(request, cancellationToken);

    public Task<DescribeImagesResponse> DescribeImagesAsync(DescribeImagesRequest request, CancellationToken cancellationToken) =>
        ec2.DescribeImagesAsync(request, cancellationToken);

    public Task<DeregisterImageResponse> DeregisterImageAsync(DeregisterImageRequest request, CancellationToken cancellationToken) =>
        ec2.DeregisterImageAsync(request, cancellationToken);

    public Task<DescribeSubnetsResponse> DescribeSubnetsAsync(DescribeSubnetsRequest request, CancellationToken cancellationToken) =>
        ec2.DescribeSubnetsAsync(request, cancellationToken);

    public Task<DescribeSecurityGroupsResponse> DescribeSecurityGroupsAsync(DescribeSecurityGroupsRequest request, CancellationToken cancellationToken) =>
        ec2.DescribeSecurityGroupsAsync(request, cancellationToken);
}
