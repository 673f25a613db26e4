using Amazon.EC2;
using Amazon.EC2.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Ec2;

public sealed class TagTests
{
    [Fact]
    public async Task CreateTags_OnEveryResourceKind_IsVisibleToTagFilters()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var instance = await world.LaunchRunningAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);
        var snapshot = await world.CreateCompletedSnapshotAsync();
        var image = await world.RegisterAvailableImageAsync(snapshot.SnapshotId, "tagged");
        var allocationId = (await world.Ec2.AllocateAddressAsync(new AllocateAddressRequest())).AllocationId;
        var eniId = instance.NetworkInterfaces[0].NetworkInterfaceId;

        await world.Ec2.CreateTagsAsync(new CreateTagsRequest
        {
            Resources = [instance.InstanceId, volume.VolumeId, eniId, snapshot.SnapshotId, image.ImageId, allocationId, DefaultWorld.SubnetB],
            Tags = [new Tag("team", "storage"), new Tag("empty", "")],
        });

        Filter[] byTag = [new Filter("tag:team", ["stor*"]), new Filter("tag-key", ["empty"])];
        Assert.Equal(instance.InstanceId, Assert.Single(Assert.Single((await world.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [.. byTag] })).Reservations).Instances).InstanceId);
        Assert.Equal(volume.VolumeId, Assert.Single((await world.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [.. byTag] })).Volumes).VolumeId);
        Assert.Equal(eniId, Assert.Single((await world.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { Filters = [.. byTag] })).NetworkInterfaces).NetworkInterfaceId);
        Assert.Equal(snapshot.SnapshotId, Assert.Single((await world.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { Filters = [.. byTag] })).Snapshots).SnapshotId);
        Assert.Equal(image.ImageId, Assert.Single((await world.Ec2.DescribeImagesAsync(new DescribeImagesRequest { Filters = [.. byTag] })).Images).ImageId);
        Assert.Equal(allocationId, Assert.Single((await world.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = [.. byTag] })).Addresses).AllocationId);
        var subnet = Assert.Single((await world.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [.. byTag] })).Subnets);
        Assert.Equal(DefaultWorld.SubnetB, subnet.SubnetId);
        Assert.Equal("", subnet.Tags.Single(t => t.Key == "empty").Value);
    }

    [Fact]
    public async Task DeleteTags_ByKey_ByKeyAndValue_OrAll()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);
        await world.Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [volume.VolumeId], Tags = [new Tag("a", "1"), new Tag("b", "2"), new Tag("c", "3")] });

        await world.Ec2.DeleteTagsAsync(new DeleteTagsRequest { Resources = [volume.VolumeId], Tags = [new Tag { Key = "a" }, new Tag("b", "not-2")] });
        Assert.Equal(["b", "c"], (await world.DescribeVolumeAsync(volume.VolumeId)).Tags.Select(t => t.Key).Order());

        await world.Ec2.DeleteTagsAsync(new DeleteTagsRequest { Resources = [volume.VolumeId] });
        Assert.Null((await world.DescribeVolumeAsync(volume.VolumeId)).Tags);
    }

    [Fact]
    public async Task CreateTags_UnknownOrInvalidIdsAndReservedKeys_ChangeNothing()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var volume = await world.CreateAvailableVolumeAsync(DefaultWorld.ZoneA);

        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => world.Ec2.CreateTagsAsync(new CreateTagsRequest
        {
            Resources = [volume.VolumeId, "i-0000000000000000f"],
            Tags = [new Tag("a", "1")],
        }));
        await Ec2Assert.FailsAsync("InvalidID", () => world.Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = ["bogus"], Tags = [new Tag("a", "1")] }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => world.Ec2.CreateTagsAsync(new CreateTagsRequest
        {
            Resources = [volume.VolumeId],
            Tags = [new Tag("aws:owned", "1")],
        }));
        await Ec2Assert.FailsAsync("TagLimitExceeded", () => world.Ec2.CreateTagsAsync(new CreateTagsRequest
        {
            Resources = [volume.VolumeId],
            Tags = [.. Enumerable.Range(0, 51).Select(i => new Tag($"k{i}", "v"))],
        }));

        Assert.Null((await world.DescribeVolumeAsync(volume.VolumeId)).Tags);
    }
}
