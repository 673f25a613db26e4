using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

/// <summary>What EC2 would refuse half-way is refused whole, before anything is created: one sentence per problem.</summary>
public sealed class SpecLimitsTests
{
    private static readonly ManagedInstanceSpec Valid = Specs.Database();

    private static ManagedInstanceSpec WithLaunch(Func<LaunchSpecification, LaunchSpecification> change) =>
        Valid with { LaunchSpecification = change(Valid.LaunchSpecification) };

    private static string Single(ManagedInstanceSpec spec, string? region = null) => Assert.Single(SpecValidator.Validate(spec, region: region));

    [Fact]
    public void TheValidSpec_HasNoProblem() => Assert.Empty(SpecValidator.Validate(Valid, region: "us-east-1"));

    [Fact]
    public void ARegionOtherThanTheClusters_IsRefused_AndTheClustersIsAccepted()
    {
        Assert.Contains("this cluster manages us-east-1", Single(Valid with { Region = "eu-west-1" }, "us-east-1"));
        Assert.Empty(SpecValidator.Validate(Valid with { Region = "us-east-1" }, region: "us-east-1"));
    }

    [Theory]
    [InlineData(25)]
    [InlineData(10_000)]
    public void MoreDataVolumesThanAnInstanceTakes_IsOneProblem(int count)
    {
        var devices = Enumerable.Range(0, count).Select(i => new BlockDeviceMappingSpec { DeviceName = $"/dev/xvd{(char)('b' + i % 25)}{(char)('a' + i / 25 % 26)}", VolumeSizeGiB = 1 });

        Assert.Contains($"at most {SpecValidator.MaxDataVolumes} data volumes", Single(WithLaunch(l => l with { BlockDeviceMappings = [.. devices] })));
    }

    [Theory]
    [InlineData("/dev/nvme1n1")]
    [InlineData("/dev/sdf\n")]
    [InlineData("/dev/sdf\u0000")]
    public void ADeviceNameEc2Refuses_IsRefused(string device) =>
        Assert.Contains("device name", Single(WithLaunch(l => l with { BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = device, VolumeSizeGiB = 10 }] })));

    [Fact]
    public void ATrailingNewline_DoesNotMakeADeviceDistinct()
    {
        var spec = WithLaunch(l => l with
        {
            BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 10 }, new BlockDeviceMappingSpec { DeviceName = "/dev/sdf\n", VolumeSizeGiB = 10 }],
        });

        Assert.Contains("'/dev/sdf?'", Single(spec));
    }

    [Theory]
    [InlineData("aws:cloudformation:stack-name", "x", "AWS's own")]
    [InlineData("AWS:thing", "x", "AWS's own")]
    [InlineData("statefulspot:managed-instance", "x", "StatefulSpot sets itself")]
    [InlineData("Name", "x", "StatefulSpot sets itself")]
    [InlineData("team\u0000", "x", "printable")]
    [InlineData("team", "a\u0000b", "printable")]
    public void ATagEc2OrStatefulSpotRefuses_IsRefused(string key, string value, string expected) =>
        Assert.Contains(expected, Single(WithLaunch(l => l with { Tags = new Dictionary<string, string> { [key] = value } })));

    [Fact]
    public void TagLimits_AreEc2s()
    {
        Assert.Contains("at most 46", Single(WithLaunch(l => l with { Tags = Enumerable.Range(0, 60).ToDictionary(i => $"k{i}", i => "v") })));
        Assert.Contains("printable", Single(WithLaunch(l => l with { Tags = new Dictionary<string, string> { ["team"] = new string('v', 10_000) } })));
        Assert.Contains("printable", Single(WithLaunch(l => l with { Tags = new Dictionary<string, string> { [new string('k', 129)] = "v" } })));
        Assert.Empty(SpecValidator.Validate(WithLaunch(l => l with { Tags = Enumerable.Range(0, 46).ToDictionary(i => $"k{i}", i => new string('v', 256)) })));
    }

    [Fact]
    public void UserData_MustBeBase64_AndAtMost16KiBBeforeIt()
    {
        Assert.Contains("not base64", Single(WithLaunch(l => l with { UserData = "#!/bin/sh\necho hi" })));
        Assert.Contains("16384", Single(WithLaunch(l => l with { UserData = Convert.ToBase64String(new byte[1024 * 1024]) })));
        Assert.Empty(SpecValidator.Validate(WithLaunch(l => l with { UserData = Convert.ToBase64String(new byte[16 * 1024]) })));
    }

    [Fact]
    public void SecurityGroups_AreIds_AtMostFive_AndDistinct()
    {
        Assert.Contains("not a security group id", Single(WithLaunch(l => l with { SecurityGroupIds = ["default"] })));
        Assert.Contains("at most 5", Single(WithLaunch(l => l with { SecurityGroupIds = [.. Enumerable.Range(0, 6).Select(i => $"sg-0000000{i}")] })));
        Assert.Contains("twice", Single(WithLaunch(l => l with { SecurityGroupIds = ["sg-00000001", "sg-00000001"] })));
    }

    [Fact]
    public void ControlCharactersAndOverlongText_InTheNameAndProfile_AreRefused()
    {
        Assert.Contains("control character", Single(Valid with { Name = "orders\u0000db" }));
        Assert.Contains("keep it to 128", Single(Valid with { Name = new string('n', 129) }));
        Assert.Contains("control character", Single(WithLaunch(l => l with { IamInstanceProfile = "role\r\n" })));
    }

    [Fact]
    public void IdsWithTrailingNewlines_AreNotIds()
    {
        Assert.Contains("not an image id", Single(WithLaunch(l => l with { ImageId = "ami-0123456789abcdef0\n" })));
        Assert.Contains("not a subnet id", Single(Valid with { SubnetIds = ["subnet-0aaaaaaaaaaaaaaa1\n"] }));
    }
}

public sealed class ManagedInstanceIdsTests
{
    [Theory]
    [InlineData("smi-0123abcd")]
    [InlineData("smi-0123456789abcdef0")]
    public void SmiAndHex_IsAnId(string id) => Assert.Null(ManagedInstanceIds.Problem(id));

    [Theory]
    [InlineData("")]
    [InlineData("orders-db")]
    [InlineData("smi-0123ABCD")]
    [InlineData("smi-0123abcd\n")]
    [InlineData("smi-0123\u0000abcd")]
    [InlineData("smi-0123abcd/../x")]
    [InlineData("smi-0123456789abcdef01")]
    public void AnythingElse_IsNot_AndTheMessageIsPrintable(string id)
    {
        var problem = ManagedInstanceIds.Problem(id);

        Assert.NotNull(problem);
        Assert.DoesNotContain(problem, char.IsControl);
        Assert.Throws<ArgumentException>(() => ManagedInstanceIds.Require(id));
    }

    [Fact]
    public void AVeryLongId_IsNamedShortly() =>
        Assert.InRange(ManagedInstanceIds.Problem("smi-" + new string('a', 600))!.Length, 1, 300);

    [Theory]
    [InlineData("orders-db", true)]
    [InlineData("smi-0123abcd", true)]
    [InlineData("", false)]
    [InlineData("smi-0123abcd\u0000", false)]
    [InlineData("a/b", false)]
    public void ForCallsOnExistingOnes_AnyIdStorageCanHold_IsUsable(string id, bool usable)
    {
        if (usable)
        {
            Assert.Equal(id, ManagedInstanceIds.RequireUsable(id));
        }
        else
        {
            Assert.Throws<ArgumentException>(() => ManagedInstanceIds.RequireUsable(id));
        }
    }

    [Fact]
    public void AnIdOver128Characters_IsNotUsable() => Assert.Throws<ArgumentException>(() => ManagedInstanceIds.RequireUsable(new string('a', 129)));
}
