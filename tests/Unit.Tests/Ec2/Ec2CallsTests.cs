using System.Net;
using Amazon.EC2;
using Amazon.Runtime;
using StatefulSpot.Grains;
using StatefulSpot.Grains.Ec2;

namespace StatefulSpot.Unit.Tests.Ec2;

public sealed class Ec2CallsTests
{
    private static AmazonEC2Exception Error(string code) =>
        new("boom") { ErrorCode = code, ErrorType = ErrorType.Sender, StatusCode = HttpStatusCode.BadRequest };

    [Fact]
    public async Task IgnoreNotFound_SwallowsNotFound_AndOnlyTheKindsItIsTold()
    {
        await Ec2Calls.IgnoreNotFoundAsync(() => throw Error("InvalidVolume.NotFound"));
        await Ec2Calls.IgnoreNotFoundAsync(() => throw Error("InvalidSnapshot.InUse"), Ec2ErrorKind.InUse);

        await Assert.ThrowsAsync<AmazonEC2Exception>(() => Ec2Calls.IgnoreNotFoundAsync(() => throw Error("InvalidSnapshot.InUse")));
        await Assert.ThrowsAsync<AmazonEC2Exception>(() => Ec2Calls.IgnoreNotFoundAsync(() => throw Error("RequestLimitExceeded")));
    }

    [Fact]
    public async Task OrNullIfNotFound_MakesAnUnknownIdNull()
    {
        Assert.Null(await Ec2Calls.OrNullIfNotFoundAsync<string>(() => throw Error("InvalidInstanceID.NotFound")));
        Assert.Equal("i-1", await Ec2Calls.OrNullIfNotFoundAsync<string>(() => Task.FromResult<string?>("i-1")));
    }

    [Fact]
    public async Task AllPages_FollowsNextTokenToTheEnd()
    {
        var pages = new Dictionary<string, (List<int>? Items, string? NextToken)>
        {
            [""] = ([1, 2], "a"),
            ["a"] = (null, "b"),
            ["b"] = ([3], ""),
        };
        var asked = new List<string?>();

        var all = await Ec2Calls.AllPagesAsync(token =>
        {
            asked.Add(token);
            return Task.FromResult(pages[token ?? ""]);
        });

        Assert.Equal([1, 2, 3], all);
        Assert.Equal([null, "a", "b"], asked);
    }

    [Theory]
    [InlineData("completed", Ec2Progress.Completed)]
    [InlineData("error", Ec2Progress.Failed)]
    [InlineData("pending", Ec2Progress.Pending)]
    [InlineData(null, Ec2Progress.Pending)]
    public void SnapshotProgress(string? state, Ec2Progress progress) => Assert.Equal(progress, Ec2ProgressOf.Snapshot(state));

    [Theory]
    [InlineData("available", Ec2Progress.Completed)]
    [InlineData("failed", Ec2Progress.Failed)]
    [InlineData("invalid", Ec2Progress.Failed)]
    [InlineData("pending", Ec2Progress.Pending)]
    [InlineData(null, Ec2Progress.Pending)]
    public void ImageProgress(string? state, Ec2Progress progress) => Assert.Equal(progress, Ec2ProgressOf.Image(state));

    [Fact]
    public void ResourceTags_NameTheManagedInstance_AndTheDeviceOnlyForPerDeviceSnapshots()
    {
        Assert.Equal(new Dictionary<string, string>
        {
            [TagKeys.Name] = "orders-db /dev/sdf",
            [TagKeys.ManagedInstance] = "smi-1",
            [TagKeys.Device] = "/dev/sdf",
        }, ResourceTags.Device("smi-1", "orders-db", "/dev/sdf"));
        Assert.Equal(new Dictionary<string, string> { [TagKeys.ManagedInstance] = "smi-1", [ResourceTags.Token] = "t" }, ResourceTags.Snapshot("smi-1", "t"));
        Assert.Equal("3", ResourceTags.Snapshot("smi-1", "t", "/dev/sdf", 3)[TagKeys.Generation]);
    }
}
