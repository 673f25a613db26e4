using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

public sealed class SpecValidatorTests
{
    [Fact]
    public void Validate_GoodSpec_HasNoProblems() => Assert.Empty(SpecValidator.Validate(Specs.Database()));

    [Fact]
    public void Validate_NoSubnets_SaysSubnetIdsNeedsOne()
    {
        var problems = SpecValidator.Validate(Specs.Database() with { SubnetIds = [] });

        Assert.Contains(problems, p => p.Contains("'subnetIds' needs at least one", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DuplicateDeviceName_NamesTheDevice()
    {
        var spec = Specs.Database();
        spec = spec with
        {
            LaunchSpecification = spec.LaunchSpecification with
            {
                BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 10 }, new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 20 }],
            },
        };

        Assert.Contains(SpecValidator.Validate(spec), p => p.Contains("'/dev/sdf' is used twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DataVolumeOnRootDevice_IsRejected()
    {
        var spec = Specs.Database();
        spec = spec with { LaunchSpecification = spec.LaunchSpecification with { BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/xvda", VolumeSizeGiB = 10 }] } };

        Assert.Contains(SpecValidator.Validate(spec), p => p.Contains("'/dev/xvda' is used twice", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ami-xyz", "imageId")]
    [InlineData("", "imageId")]
    public void Validate_BadImageId_NamesTheField(string imageId, string field)
    {
        var spec = Specs.Database();
        spec = spec with { LaunchSpecification = spec.LaunchSpecification with { ImageId = imageId } };

        Assert.Contains(SpecValidator.Validate(spec), p => p.Contains(field, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEachOnce()
    {
        var spec = Specs.Database();
        spec = spec with
        {
            Name = " ",
            SubnetIds = ["sn-1"],
            LaunchSpecification = spec.LaunchSpecification with
            {
                InstanceTypes = InstanceTypesSpec.Of(""),
                BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "sdf", VolumeSizeGiB = 0, VolumeType = "ssd" }],
            },
        };

        var problems = SpecValidator.Validate(spec);

        Assert.Equal(6, problems.Count);
    }

    [Fact]
    public void Validate_NetworkStrategyAndSnapshots_NameEachBadField()
    {
        var spec = Specs.Database() with
        {
            Network = new NetworkSpec { PrivateIp = "10.0.1.300", PrivateIpPool = "db", ElasticIpAllocationId = "eip-1" },
            Strategy = new StrategySpec { RevertToSpot = RevertToSpot.TimeWindow, OptimizationWindows = ["Saturday 2am"], LifeCycle = (LifeCycle)7 },
            Snapshots = new SnapshotSpec { Interval = TimeSpan.FromSeconds(10), Retention = 0 },
        };

        var problems = string.Join("\n", SpecValidator.Validate(spec));

        foreach (var field in new[] { "at most one of 'network.privateIp'", "'network.privateIp' is '10.0.1.300'", "'network.elasticIp'",
                     "'strategy.optimizationWindows' has 'Saturday 2am'", "'strategy.lifeCycle' has the unknown value 7", "'snapshots.interval'", "'snapshots.retention'" })
        {
            Assert.Contains(field, problems);
        }
    }

    [Fact]
    public void Validate_InstanceTypes_NeedAPreferredOneAndNoRepeats()
    {
        var spec = Specs.Database();
        var none = spec with { LaunchSpecification = spec.LaunchSpecification with { InstanceTypes = new InstanceTypesSpec { Preferred = [] } } };
        var repeated = spec with
        {
            LaunchSpecification = spec.LaunchSpecification with { InstanceTypes = new InstanceTypesSpec { Preferred = ["m5.large"], Others = ["m5.large", "large"] } },
        };

        Assert.Contains(SpecValidator.Validate(none), p => p.Contains("'launchSpecification.instanceTypes.preferred' needs", StringComparison.Ordinal));
        var problems = SpecValidator.Validate(repeated);
        Assert.Contains(problems, p => p.Contains("lists 'm5.large' twice", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'large', which is not an instance type", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("io2", null, null, "needs 'iops'")]
    [InlineData("io1", 50, null, "io1 takes 100 … 64000")]
    [InlineData("io1", 100000, null, "io1 takes 100 … 64000")]
    [InlineData("gp3", 1000, null, "gp3 takes 3000 … 80000")]
    [InlineData("st1", 3000, null, "sets 'iops', which st1 does not take")]
    [InlineData("io2", 3000, 250, "only gp3 takes")]
    [InlineData("gp3", null, 5000, "gp3 takes 125 … 2000")]
    public void Validate_VolumePerformance_NamesTheDeviceAndTheFix(string type, int? iops, int? throughput, string expected)
    {
        var spec = Specs.Database() with
        {
            LaunchSpecification = Specs.Database().LaunchSpecification with
            {
                BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 100, VolumeType = type, Iops = iops, Throughput = throughput }],
            },
        };

        var problem = Assert.Single(SpecValidator.Validate(spec));
        Assert.Contains("'/dev/sdf'", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OnLaunchWithProvisionedIops_IsAccepted()
    {
        var spec = Specs.Database() with
        {
            Persistence = new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch },
            LaunchSpecification = Specs.Database().LaunchSpecification with
            {
                BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 100, VolumeType = "io2", Iops = 8000 }],
            },
        };

        Assert.Empty(SpecValidator.Validate(spec));
    }

    [Fact]
    public void Validate_SnapshotInterval_ShorterThanTheConfiguredMinimum_IsRejected()
    {
        var spec = Specs.Database() with { Snapshots = new SnapshotSpec { Interval = TimeSpan.FromSeconds(30) } };

        Assert.Contains(SpecValidator.Validate(spec), p => p.Contains("'snapshots.interval'", StringComparison.Ordinal));
        Assert.Empty(SpecValidator.Validate(spec, minimumSnapshotInterval: TimeSpan.FromSeconds(10)));
    }
}

/// <summary>network.floatingPrivateIp: what it combines with, and what it makes of the plan.</summary>
public sealed class FloatingPrivateIpSpecTests
{
    private static ManagedInstanceSpec Floating(bool persistPrivateIp = false, string? privateIp = null, string? pool = null) =>
        Specs.Database(persistPrivateIp) with { Network = new NetworkSpec { FloatingPrivateIp = true, PrivateIp = privateIp, PrivateIpPool = pool } };

    [Fact]
    public void WithPersistPrivateIp_IsRejected_NamingBoth()
    {
        var problems = SpecValidator.Validate(Floating(persistPrivateIp: true));

        Assert.Contains(problems, p => p.Contains("'persistence.persistPrivateIp'", StringComparison.Ordinal)
            && p.Contains("'network.floatingPrivateIp'", StringComparison.Ordinal));
    }

    [Fact]
    public void WithAnIpPool_IsRejected_SayingWhatToUseInstead()
    {
        Assert.Contains(SpecValidator.Validate(Floating(pool: "db")), p => p.Contains("'network.floatingPrivateIp' and 'network.privateIpPool'", StringComparison.Ordinal));
    }

    [Fact]
    public void AloneOrWithAFixedAddress_IsValid_NeedsNoPersistentEni_AndIsPrestaged()
    {
        foreach (var spec in new[] { Floating(), Floating(privateIp: "10.0.1.50") })
        {
            Assert.Empty(SpecValidator.Validate(spec));
            Assert.False(NetworkRules.NeedsPersistentInterface(spec));
            Assert.True(SagaPlan.CanPrestage(spec));
        }
    }

    [Fact]
    public void ThePlans_MoveTheAddressWhereTheVolumesAreAttached_OnlyWhenItFloats()
    {
        var floating = new SagaCursor
        {
            Kind = OperationKind.Recycle, Trigger = OperationTrigger.User, Step = SagaStep.Done,
            StartedAt = DateTimeOffset.UnixEpoch, StepStartedAt = DateTimeOffset.UnixEpoch, Prestaged = true,
        };

        var plan = SagaPlan.For(floating, Floating(), new ManagedInstanceState { Spec = Floating() }).ToList();
        Assert.Equal(plan.IndexOf(SagaStep.AttachVolumes) + 1, plan.IndexOf(SagaStep.MoveFloatingIp));
        Assert.DoesNotContain(SagaStep.MoveFloatingIp, SagaPlan.For(floating, Specs.Database(false), new ManagedInstanceState { Spec = Specs.Database(false) }));
    }

    [Fact]
    public void AnUpdate_CannotTurnItOnOrOff()
    {
        Assert.Contains(UpdateRules.Check(Specs.Database(false), Floating()), p => p.Contains("'network.floatingPrivateIp'", StringComparison.Ordinal));
    }
}
