using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.NetworkInterfaces;

[GenerateSerializer, Alias("statefulspot.network-interface-state")]
public sealed record NetworkInterfaceState
{
    [Id(0)] public string? NetworkInterfaceId { get; init; }
}

/// <summary>The persistent primary ENI of a managed instance (key <c>smi-…/eth0</c>). Non-reentrant: ENI calls run one at a time.</summary>
// Idle between operations (hours to weeks): collected soon after, so that a fleet's resource grains do not stay in memory.
[CollectionAgeLimit(Minutes = 2)]
public sealed class NetworkInterfaceGrain(
    [PersistentState("network-interface", StorageNames.Instances)] IPersistentState<NetworkInterfaceState> store,
    IEc2Api ec2) : Grain, INetworkInterfaceGrain
{
    private NetworkInterfaceView? _last;

    public async Task<NetworkInterfaceView> EnsureCreatedAsync(NetworkInterfaceRequest request, CancellationToken cancellationToken = default)
    {
        if (store.State.NetworkInterfaceId is not null)
        {
            return await RefreshAsync(cancellationToken);
        }

        var create = new CreateNetworkInterfaceRequest
        {
            SubnetId = request.SubnetId,
            ClientToken = request.ClientToken,
            PrivateIpAddress = request.PrivateIp,
            Description = $"StatefulSpot {ResourceKeys.ManagedInstance(this.GetPrimaryKeyString())} primary",
            TagSpecifications = [ResourceTags.Specification(ResourceType.NetworkInterface, request.Tags)],
        };
        if (request.SecurityGroupIds.Count > 0)
        {
            create.Groups = [.. request.SecurityGroupIds];
        }

        var response = await ec2.CreateNetworkInterfaceAsync(create, cancellationToken);
        store.State = new NetworkInterfaceState { NetworkInterfaceId = response.NetworkInterface.NetworkInterfaceId };
        await store.WriteStateAsync(cancellationToken);
        return Remember(response.NetworkInterface);
    }

    public async Task<NetworkInterfaceView> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var id = store.State.NetworkInterfaceId
            ?? throw new InvalidOperationException($"Network interface {this.GetPrimaryKeyString()} has not been created yet.");
        var response = await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [id] }, cancellationToken);
        var eni = (response.NetworkInterfaces ?? []).FirstOrDefault()
            ?? throw new InvalidOperationException($"EC2 returned no network interface {id}.");
        return Remember(eni);
    }

    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        if (store.State.NetworkInterfaceId is not { } id)
        {
            return;
        }

        await Ec2Calls.IgnoreNotFoundAsync(() => ec2.DeleteNetworkInterfaceAsync(new DeleteNetworkInterfaceRequest { NetworkInterfaceId = id }, cancellationToken));

        _last = null;
        await store.ClearStateAsync(cancellationToken);
    }

    public Task<NetworkInterfaceView?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(_last);

    private NetworkInterfaceView Remember(NetworkInterface eni) => _last = new NetworkInterfaceView
    {
        NetworkInterfaceId = eni.NetworkInterfaceId,
        SubnetId = eni.SubnetId,
        AvailabilityZone = eni.AvailabilityZone,
        PrivateIp = eni.PrivateIpAddress,
        Status = eni.Status?.Value ?? "unknown",
        AttachedInstanceId = eni.Attachment?.InstanceId,
    };
}
