using Amazon.EC2.Model;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.Volumes;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>
/// What EC2 must confirm before a spec is accepted (its subnets, AZs, instance types, a fixed private IP) and the
/// spec an import derives from the original instance. Read-only: nothing is created here.
/// </summary>
public sealed class SpecQueries(IEc2Api ec2)
{
    /// <summary>The spec an import derives from the instance; rejects a request EC2 cannot satisfy, before anything is created.</summary>
    public async Task<ManagedInstanceSpec> DescribeForImportAsync(ImportRequest request, CancellationToken cancellationToken)
    {
        var problems = ImportRules.Check(request);
        if (problems.Count > 0)
        {
            throw new InvalidSpecException(problems);
        }

        var instance = await ec2.DescribeInstanceAsync(request.OriginalInstanceId, cancellationToken)
            ?? throw new InvalidSpecException([$"'originalInstanceId' {request.OriginalInstanceId} is not an instance EC2 knows in this region."]);
        problems = ImportRules.CheckInstance(request, instance);
        if (problems.Count > 0)
        {
            throw new InvalidSpecException(problems);
        }

        var volumeIds = (instance.BlockDeviceMappings ?? []).Select(b => b.Ebs?.VolumeId).OfType<string>().ToList();
        var volumes = await UnheldVolumes.DescribeForeignAsync(ec2, volumeIds, cancellationToken);
        return ImportRules.SpecFrom(request, instance, volumes);
    }

    /// <summary>The spec's subnets with their AZs, the first one's AZ first; rejects unknown subnets and unsupported AZ spreads.</summary>
    public async Task<IReadOnlyList<SubnetZone>> ResolveZoneAsync(ManagedInstanceSpec spec, CancellationToken cancellationToken, string? importedFrom = null)
    {
        DescribeSubnetsResponse response;
        try
        {
            response = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [.. spec.SubnetIds] }, cancellationToken);
        }
        catch (Amazon.EC2.AmazonEC2Exception exception) when (Ec2Errors.Classify(exception) == Ec2ErrorKind.NotFound)
        {
            throw new InvalidSpecException([$"'subnetIds' names a subnet EC2 does not know: {exception.Message}"]);
        }

        var zones = (response.Subnets ?? []).Select(s => s.AvailabilityZone).Distinct().ToList();
        if (zones.Count == 0)
        {
            throw new InvalidSpecException(["'subnetIds' names no subnet EC2 knows."]);
        }

        if (zones.Count > 1 && NetworkRules.NeedsPersistentInterface(spec))
        {
            throw new InvalidSpecException([$"A persistent private IP (persistence.persistPrivateIp, network.privateIp or network.privateIpPool) pins the instance to one AZ, but 'subnetIds' spans {string.Join(", ", zones)}; keep subnets of one AZ."]);
        }

        await CheckInstanceTypesAsync(spec, zones, cancellationToken);
        var first = (response.Subnets ?? []).First(s => s.SubnetId == spec.SubnetIds[0]);
        if (spec.Network.PrivateIp is { } privateIp)
        {
            await CheckPrivateIpAsync(first, privateIp, importedFrom, cancellationToken);
        }

        await CheckSecurityGroupsAsync(spec, first.VpcId, cancellationToken);
        return [.. spec.SubnetIds.Select(id => new SubnetZone(id, response.Subnets!.First(s => s.SubnetId == id).AvailabilityZone))];
    }

    /// <summary>The spec's security groups must exist, in the VPC of its subnets; else nothing is created.</summary>
    public async Task CheckSecurityGroupsAsync(ManagedInstanceSpec spec, string? vpcId, CancellationToken cancellationToken)
    {
        var groupIds = spec.LaunchSpecification.SecurityGroupIds;
        if (groupIds.Count == 0)
        {
            return;
        }

        IReadOnlyList<SecurityGroup> groups;
        try
        {
            groups = (await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [.. groupIds] }, cancellationToken))
                .SecurityGroups ?? [];
        }
        catch (Amazon.EC2.AmazonEC2Exception exception) when (Ec2Errors.Classify(exception) == Ec2ErrorKind.NotFound)
        {
            throw new InvalidSpecException([$"'launchSpecification.securityGroupIds' names a security group EC2 does not know: {exception.Message}."]);
        }

        var elsewhere = groups.Where(g => vpcId is not null && g.VpcId is not null && g.VpcId != vpcId).Select(g => g.GroupId).ToList();
        var missing = groupIds.Where(id => groups.All(g => g.GroupId != id)).ToList();
        if (missing.Count > 0 || elsewhere.Count > 0)
        {
            throw new InvalidSpecException([.. missing.Select(id => $"'launchSpecification.securityGroupIds' names {id}, which EC2 does not know."),
                .. elsewhere.Select(id => $"'launchSpecification.securityGroupIds' names {id}, which belongs to another VPC than the subnets ({vpcId}).")]);
        }
    }

    /// <summary>The image must exist in the region and be one this account may launch; else nothing is created.</summary>
    public async Task CheckImageAsync(ManagedInstanceSpec spec, CancellationToken cancellationToken)
    {
        var imageId = spec.LaunchSpecification.ImageId;
        Image? image;
        try
        {
            image = await Ec2Images.DescribeAsync(ec2, imageId, cancellationToken);
        }
        catch (Amazon.EC2.AmazonEC2Exception exception) when (Ec2Errors.Classify(exception) is Ec2ErrorKind.NotFound or Ec2ErrorKind.InvalidRequest)
        {
            image = null;
        }

        if (image is null || image.State?.Value is "deregistered" or "failed")
        {
            throw new InvalidSpecException([$"'launchSpecification.imageId' is {imageId}, which EC2 does not know in this region "
                + "(or this account may not launch it); use an image id of this region."]);
        }
    }

    /// <summary>Every instance type of the spec must be offered in at least one of its AZs; the message names what is not.</summary>
    private async Task CheckInstanceTypesAsync(ManagedInstanceSpec spec, IReadOnlyList<string> zones, CancellationToken cancellationToken)
    {
        var types = spec.LaunchSpecification.InstanceTypes.Preferred.Concat(spec.LaunchSpecification.InstanceTypes.Others)
            .Distinct(StringComparer.Ordinal).ToList();
        var offerings = await Ec2Calls.AllPagesAsync(async nextToken =>
        {
            var page = await ec2.DescribeInstanceTypeOfferingsAsync(new DescribeInstanceTypeOfferingsRequest
            {
                LocationType = Amazon.EC2.LocationType.AvailabilityZone,
                Filters = [new Filter("location", [.. zones]), new Filter("instance-type", types)],
                NextToken = nextToken,
            }, cancellationToken);
            return (page.InstanceTypeOfferings, page.NextToken);
        });
        var offered = offerings.Select(o => o.InstanceType.Value).ToHashSet(StringComparer.Ordinal);

        var missing = types.Where(t => !offered.Contains(t)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidSpecException([.. missing.Select(t =>
                $"'launchSpecification.instanceTypes' has '{t}', which EC2 does not offer in {string.Join(", ", zones)}; choose a type offered there.")]);
        }
    }

    /// <summary>
    /// A fixed private IP must lie in the first subnet, outside its reserved addresses, and be free (or held by the
    /// instance being imported, which gives it up when it is terminated).
    /// </summary>
    private async Task CheckPrivateIpAsync(Subnet subnet, string privateIp, string? importedFrom, CancellationToken cancellationToken)
    {
        if (!SubnetAddresses.IsAssignable(subnet.CidrBlock, privateIp))
        {
            throw new InvalidSpecException([$"'network.privateIp' {privateIp} is not an assignable address of {subnet.SubnetId} ({subnet.CidrBlock}); "
                + "AWS reserves the first four and the last address."]);
        }

        var taken = await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
        {
            Filters = [new Filter("subnet-id", [subnet.SubnetId]), new Filter("addresses.private-ip-address", [privateIp])],
        }, cancellationToken);
        if (taken.NetworkInterfaces?.Where(n => importedFrom is null || n.Attachment?.InstanceId != importedFrom).ToList() is { Count: > 0 } holders)
        {
            throw new InvalidSpecException([$"'network.privateIp' {privateIp} is already used by {holders[0].NetworkInterfaceId}; choose a free address."]);
        }
    }
}
