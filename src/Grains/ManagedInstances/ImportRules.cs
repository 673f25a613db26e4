using Amazon.EC2.Model;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances;

/// <summary>What an import may ask for, and the spec it derives from the EC2 instance; pure.</summary>
public static class ImportRules
{
    /// <summary>Problems with the request alone, each saying what to fix; empty when it is acceptable.</summary>
    public static IReadOnlyList<string> Check(ImportRequest request)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(request.OriginalInstanceId) || !request.OriginalInstanceId.StartsWith("i-", StringComparison.Ordinal))
        {
            problems.Add($"'originalInstanceId' is '{request.OriginalInstanceId}', which is not an instance id (i-…).");
        }

        if (request.ShouldKeepPrivateIp && !request.ShouldTerminateInstance)
        {
            problems.Add("Keeping the private IP ('shouldKeepPrivateIp') requires terminating the original ('shouldTerminateInstance'): "
                + "two instances cannot hold one address.");
        }

        return problems;
    }

    /// <summary>Problems of the instance as EC2 shows it; empty when it can be imported.</summary>
    public static IReadOnlyList<string> CheckInstance(ImportRequest request, Instance instance)
    {
        var problems = new List<string>();
        var state = instance.State?.Name?.Value;
        if (state is not ("running" or "stopped"))
        {
            problems.Add($"Instance {instance.InstanceId} is {state}; only a running or stopped instance can be imported.");
        }

        if ((instance.Tags ?? []).FirstOrDefault(t => t.Key == TagKeys.ManagedInstance) is { } owner)
        {
            problems.Add($"Instance {instance.InstanceId} already belongs to managed instance {owner.Value}.");
        }

        if (request.ShouldKeepPrivateIp && request.SubnetIds.Count > 0 && !request.SubnetIds.SequenceEqual([instance.SubnetId]))
        {
            problems.Add($"Keeping the private IP {instance.PrivateIpAddress} keeps the instance in its subnet {instance.SubnetId}; "
                + "leave 'subnetIds' empty or set it to that subnet alone.");
        }

        return problems;
    }

    /// <summary>The spec of the managed instance an import creates, from the instance and its data volumes.</summary>
    public static ManagedInstanceSpec SpecFrom(ImportRequest request, Instance instance, IReadOnlyList<Volume> volumes)
    {
        var tags = (instance.Tags ?? [])
            .Where(t => !t.Key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase) && !t.Key.StartsWith("statefulspot:", StringComparison.Ordinal)
                && t.Key != TagKeys.Name)
            .ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        var root = instance.RootDeviceName ?? "/dev/xvda";
        var rootVolumeId = (instance.BlockDeviceMappings ?? []).FirstOrDefault(b => b.DeviceName == root)?.Ebs?.VolumeId;
        var dataDevices = (instance.BlockDeviceMappings ?? [])
            .Where(b => b.DeviceName != root && b.Ebs?.VolumeId is not null)
            .Select(b => (b.DeviceName, Volume: volumes.FirstOrDefault(v => v.VolumeId == b.Ebs.VolumeId)))
            .Where(d => d.Volume is not null)
            .Select(d => new BlockDeviceMappingSpec
            {
                DeviceName = d.DeviceName,
                VolumeSizeGiB = d.Volume!.Size ?? 1,
                VolumeType = d.Volume.VolumeType?.Value ?? "gp3",
                Iops = d.Volume.VolumeType?.Value is "io1" or "io2" or "gp3" ? d.Volume.Iops : null,
                Throughput = d.Volume.VolumeType?.Value == "gp3" ? d.Volume.Throughput : null,
            })
            .ToList();
        var persistence = (request.Persistence ?? new PersistenceSpec { PersistRootDevice = true }) with
        {
            PersistPrivateIp = request.ShouldKeepPrivateIp,
        };
        return new ManagedInstanceSpec
        {
            Name = request.Name ?? instance.Tags?.FirstOrDefault(t => t.Key == TagKeys.Name)?.Value ?? instance.InstanceId,
            SubnetIds = request.SubnetIds.Count > 0 ? request.SubnetIds : [instance.SubnetId],
            LaunchSpecification = new Interfaces.LaunchSpecification
            {
                ImageId = instance.ImageId,
                InstanceTypes = request.InstanceTypes.Count > 0
                    ? new InstanceTypesSpec { Preferred = [request.InstanceTypes[0]], Others = [.. request.InstanceTypes.Skip(1)] }
                    : InstanceTypesSpec.Of(instance.InstanceType.Value),
                RootDeviceName = root,
                RootVolumeSizeGiB = volumes.FirstOrDefault(v => v.VolumeId == rootVolumeId)?.Size ?? 8,
                BlockDeviceMappings = dataDevices,
                SecurityGroupIds = [.. (instance.SecurityGroups ?? []).Select(g => g.GroupId)],
                Tags = tags,
                KeyPair = instance.KeyName,
                IamInstanceProfile = instance.IamInstanceProfile?.Arn,
            },
            Persistence = persistence,
            Network = new NetworkSpec { PrivateIp = request.ShouldKeepPrivateIp ? instance.PrivateIpAddress : null },
            Strategy = request.Strategy ?? new StrategySpec(),
        };
    }
}
