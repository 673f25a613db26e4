using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

public sealed class ImportRulesTests
{
    private static Instance Legacy(string state = "running") => new()
    {
        InstanceId = "i-0123456789abcdef0",
        ImageId = "ami-0123456789abcdef0",
        InstanceType = InstanceType.R5Large,
        SubnetId = "subnet-0aaaaaaaaaaaaaaa1",
        PrivateIpAddress = "10.0.1.23",
        RootDeviceName = "/dev/xvda",
        KeyName = "ops",
        State = new InstanceState { Name = InstanceStateName.FindValue(state) },
        SecurityGroups = [new GroupIdentifier { GroupId = "sg-0a1b2c3d4e5f6071a" }],
        Tags = [new Tag("Name", "legacy-db"), new Tag("team", "data"), new Tag("aws:cloudformation:stack-name", "old")],
        BlockDeviceMappings =
        [
            new InstanceBlockDeviceMapping { DeviceName = "/dev/xvda", Ebs = new EbsInstanceBlockDevice { VolumeId = "vol-0root000000000001" } },
            new InstanceBlockDeviceMapping { DeviceName = "/dev/sdf", Ebs = new EbsInstanceBlockDevice { VolumeId = "vol-0data000000000001" } },
        ],
    };

    private static readonly Volume[] Volumes =
    [
        new() { VolumeId = "vol-0root000000000001", Size = 30, VolumeType = VolumeType.Gp3 },
        new() { VolumeId = "vol-0data000000000001", Size = 500, VolumeType = VolumeType.Io2, Iops = 6000 },
    ];

    [Fact]
    public void SpecFrom_CopiesTheInstanceAndItsVolumes_DropsAwsAndOwnTags()
    {
        var spec = ImportRules.SpecFrom(new ImportRequest { OriginalInstanceId = "i-0123456789abcdef0" }, Legacy(), Volumes);

        Assert.Equal("legacy-db", spec.Name);
        Assert.Equal(["subnet-0aaaaaaaaaaaaaaa1"], spec.SubnetIds);
        Assert.Equal(["r5.large"], spec.LaunchSpecification.InstanceTypes.Preferred);
        Assert.Equal(30, spec.LaunchSpecification.RootVolumeSizeGiB);
        var data = Assert.Single(spec.LaunchSpecification.BlockDeviceMappings);
        Assert.Equal(("/dev/sdf", 500, "io2", (int?)6000), (data.DeviceName, data.VolumeSizeGiB, data.VolumeType, data.Iops));
        Assert.Equal(["sg-0a1b2c3d4e5f6071a"], spec.LaunchSpecification.SecurityGroupIds);
        Assert.Equal("ops", spec.LaunchSpecification.KeyPair);
        Assert.Equal(["team"], spec.LaunchSpecification.Tags.Keys.Order()); // the Name tag is the spec's name
        Assert.True(spec.Persistence.PersistRootDevice);
        Assert.False(spec.Persistence.PersistPrivateIp);
        Assert.Null(spec.Network.PrivateIp);
        Assert.Empty(SpecValidator.Validate(spec));
    }

    [Fact]
    public void SpecFrom_KeepingTheIp_FixesItAndPersistsIt_RequestOverridesApply()
    {
        var spec = ImportRules.SpecFrom(new ImportRequest
        {
            OriginalInstanceId = "i-0123456789abcdef0",
            Name = "orders",
            InstanceTypes = ["m5.xlarge", "r5.large"],
            ShouldKeepPrivateIp = true,
            ShouldTerminateInstance = true,
        }, Legacy(), Volumes);

        Assert.Equal("orders", spec.Name);
        Assert.Equal(["m5.xlarge"], spec.LaunchSpecification.InstanceTypes.Preferred);
        Assert.Equal(["r5.large"], spec.LaunchSpecification.InstanceTypes.Others);
        Assert.Equal("10.0.1.23", spec.Network.PrivateIp);
        Assert.True(spec.Persistence.PersistPrivateIp);
    }

    [Fact]
    public void Check_KeepingTheIpWithoutTerminating_AndABadId_AreRejected()
    {
        Assert.Empty(ImportRules.Check(new ImportRequest { OriginalInstanceId = "i-0123456789abcdef0" }));
        Assert.Contains(ImportRules.Check(new ImportRequest { OriginalInstanceId = "i-0123456789abcdef0", ShouldKeepPrivateIp = true }),
            p => p.Contains("requires terminating the original", StringComparison.Ordinal));
        Assert.Contains(ImportRules.Check(new ImportRequest { OriginalInstanceId = "vol-0123" }),
            p => p.Contains("not an instance id", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckInstance_RejectsTerminatedOwnedAndMovedInstances()
    {
        var request = new ImportRequest { OriginalInstanceId = "i-0123456789abcdef0" };
        Assert.Empty(ImportRules.CheckInstance(request, Legacy()));
        Assert.Empty(ImportRules.CheckInstance(request, Legacy("stopped")));
        Assert.Contains(ImportRules.CheckInstance(request, Legacy("terminated")), p => p.Contains("only a running or stopped", StringComparison.Ordinal));

        var owned = Legacy();
        owned.Tags.Add(new Tag("statefulspot:managed-instance", "smi-00000001"));
        Assert.Contains(ImportRules.CheckInstance(request, owned), p => p.Contains("already belongs to managed instance smi-00000001", StringComparison.Ordinal));

        var moved = request with { ShouldKeepPrivateIp = true, ShouldTerminateInstance = true, SubnetIds = ["subnet-0bbbbbbbbbbbbbbb2"] };
        Assert.Contains(ImportRules.CheckInstance(moved, Legacy()), p => p.Contains("keeps the instance in its subnet", StringComparison.Ordinal));
    }
}
