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
                DataVolumes = [new DataVolumeSpec { DeviceName = "/dev/sdf", SizeGiB = 10 }, new DataVolumeSpec { DeviceName = "/dev/sdf", SizeGiB = 20 }],
            },
        };

        Assert.Contains(SpecValidator.Validate(spec), p => p.Contains("'/dev/sdf' is used twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DataVolumeOnRootDevice_IsRejected()
    {
        var spec = Specs.Database();
        spec = spec with { LaunchSpecification = spec.LaunchSpecification with { DataVolumes = [new DataVolumeSpec { DeviceName = "/dev/xvda", SizeGiB = 10 }] } };

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
                InstanceType = "",
                DataVolumes = [new DataVolumeSpec { DeviceName = "sdf", SizeGiB = 0, VolumeType = "ssd" }],
            },
        };

        var problems = SpecValidator.Validate(spec);

        Assert.Equal(6, problems.Count);
    }
}
