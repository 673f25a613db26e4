using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>Builds the RunInstances request of one launch: a pure function of the spec and the persisted resources.</summary>
public static class LaunchRequests
{
    public static RunInstancesRequest Build(string managedInstanceId, int generation, ManagedInstanceSpec spec,
        LaunchCandidate candidate, string availabilityZone, string? networkInterfaceId, string clientToken, string? rootImageId = null,
        string? subnetId = null, IReadOnlyDictionary<string, string?>? onLaunchSnapshots = null, string? clusterId = null)
    {
        var launch = spec.LaunchSpecification;
        var request = new RunInstancesRequest
        {
            // With persistRootDevice, every replacement boots from the image of the previous root volume.
            ImageId = rootImageId ?? launch.ImageId,
            InstanceType = InstanceType.FindValue(candidate.InstanceType),
            Placement = new Placement { AvailabilityZone = availabilityZone },
            KeyName = launch.KeyPair,
            UserData = launch.UserData,
            MinCount = 1,
            MaxCount = 1,
            ClientToken = clientToken,
            BlockDeviceMappings =
            [
                new BlockDeviceMapping
                {
                    DeviceName = launch.RootDeviceName,
                    Ebs = new EbsBlockDevice
                    {
                        VolumeSize = launch.RootVolumeSizeGiB,
                        VolumeType = VolumeType.Gp3,
                        DeleteOnTermination = !spec.Persistence.PersistRootDevice,
                    },
                },
            ],
            TagSpecifications =
            [
                Tags(ResourceType.Instance, managedInstanceId, generation, spec, clusterId),
                Tags(ResourceType.Volume, managedInstanceId, generation, spec, clusterId),
            ],
        };

        if (onLaunchSnapshots is not null)
        {
            // onLaunch: each data volume is created with the instance, from its final snapshot when there is one, and
            // outlives it so that the next final snapshot can be taken.
            foreach (var volume in launch.BlockDeviceMappings)
            {
                request.BlockDeviceMappings.Add(new BlockDeviceMapping
                {
                    DeviceName = volume.DeviceName,
                    Ebs = new EbsBlockDevice
                    {
                        SnapshotId = onLaunchSnapshots.GetValueOrDefault(volume.DeviceName),
                        VolumeSize = volume.VolumeSizeGiB,
                        VolumeType = VolumeType.FindValue(volume.VolumeType),
                        Iops = volume.Iops,
                        Throughput = volume.Throughput,
                        DeleteOnTermination = false,
                    },
                });
            }
        }

        else if (rootImageId is not null)
        {
            // Reattached volumes are attached after launch: an image that maps data devices (an imported one) must not
            // create its own volumes at those devices.
            foreach (var volume in launch.BlockDeviceMappings)
            {
                request.BlockDeviceMappings.Add(new BlockDeviceMapping { DeviceName = volume.DeviceName, NoDevice = "" });
            }
        }

        if (networkInterfaceId is not null)
        {
            // The persistent ENI at device index 0: same ENI, same private IP; subnet and groups come with it.
            request.NetworkInterfaces = [new InstanceNetworkInterfaceSpecification { NetworkInterfaceId = networkInterfaceId, DeviceIndex = 0 }];
        }
        else
        {
            request.SubnetId = subnetId ?? spec.SubnetIds[0];

            // The primary ENI the launch creates is ours too: the IAM policy lets StatefulSpot change only what it
            // tagged (a floating IP is assigned to it).
            request.TagSpecifications.Add(Tags(ResourceType.NetworkInterface, managedInstanceId, generation, spec, clusterId));
            if (launch.SecurityGroupIds.Count > 0)
            {
                request.SecurityGroupIds = [.. launch.SecurityGroupIds];
            }
        }

        if (launch.IamInstanceProfile is { } profile)
        {
            request.IamInstanceProfile = profile.StartsWith("arn:", StringComparison.Ordinal)
                ? new IamInstanceProfileSpecification { Arn = profile }
                : new IamInstanceProfileSpecification { Name = profile };
        }

        if (candidate.Spot)
        {
            request.InstanceMarketOptions = new InstanceMarketOptionsRequest
            {
                MarketType = MarketType.Spot,
                SpotOptions = new SpotMarketOptions
                {
                    SpotInstanceType = SpotInstanceType.OneTime,
                    InstanceInterruptionBehavior = InstanceInterruptionBehavior.Terminate,
                },
            };
        }

        return request;
    }

    public static TagSpecification Tags(ResourceType resourceType, string managedInstanceId, int generation, ManagedInstanceSpec spec, string? clusterId = null)
    {
        var tags = spec.LaunchSpecification.Tags
            .Where(t => !t.Key.StartsWith("statefulspot:", StringComparison.Ordinal) && t.Key != TagKeys.Name)
            .Select(t => new Tag(t.Key, t.Value))
            .ToList();
        tags.Add(new Tag(TagKeys.Name, spec.Name));
        tags.Add(new Tag(TagKeys.ManagedInstance, managedInstanceId));
        tags.Add(new Tag(TagKeys.Generation, generation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (clusterId is not null)
        {
            tags.Add(new Tag(TagKeys.Cluster, clusterId));
        }
        return new TagSpecification { ResourceType = resourceType, Tags = tags };
    }
}
