using Amazon.EC2.Model;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Faults;

/// <summary>
/// EC2 did what was asked but its answer never came back: the saga must find what it made instead of making it
/// again, and nothing it made may outlive the managed instance.
/// </summary>
public sealed class LostAnswerTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        fixture.Emulator.ClearFaults();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task LaunchWhoseAnswersAreAllLost_AdoptsTheInstanceItLaunched_AndTakesTheEniWithIt()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: true));
        // Every RunInstances launches and answers 500: only finding the instance by its tags gets the recycle through.
        fixture.Emulator.InjectFault(new ActionFault { Action = "RunInstances", ErrorRate = 1, AfterExecution = true });

        await fixture.Client.RecycleAsync(active.Id);
        var recycled = await fixture.WaitForNextGenerationAsync(active);

        Assert.True(recycled.Status == ManagedInstanceStatus.Active, $"recycle ended in {recycled.Status}: {recycled.LastError}");
        var live = Assert.Single(await fixture.LiveInstancesAsync(active.Id));
        Assert.Equal(recycled.InstanceId, live.InstanceId);
        Assert.Equal(active.PrivateIp, recycled.PrivateIp);
    }

    [Fact]
    public async Task Delete_TerminatesInstancesTaggedAsOursThatNoStateRecords_AndFreesTheEni()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: true));
        // What a launch whose answer was lost leaves: an instance with our tags that no state names.
        var orphan = (await fixture.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = DefaultWorld.ImageId,
            InstanceType = "m5.large",
            MinCount = 1,
            MaxCount = 1,
            SubnetId = DefaultWorld.SubnetA,
            TagSpecifications = [new TagSpecification
            {
                ResourceType = "instance",
                Tags = [new Tag("statefulspot:managed-instance", active.Id), new Tag("statefulspot:generation", active.Generation.ToString())],
            }],
        })).Reservation.Instances.Single().InstanceId;

        await fixture.Client.DeleteAsync(active.Id, new DeleteOptions { ShouldDeleteVolumes = true, ShouldDeleteNetworkInterfaces = true });
        await WaitUntilGoneAsync(active.Id);

        Assert.DoesNotContain(orphan, (await fixture.LiveInstancesAsync(active.Id)).Select(i => i.InstanceId));
        Assert.Empty(await fixture.LiveInstancesAsync(active.Id));
        var enis = await fixture.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
        {
            Filters = [new Filter("tag:statefulspot:managed-instance", [active.Id])],
        });
        Assert.Empty(enis.NetworkInterfaces ?? []);
    }

    [Theory]
    [InlineData("RegisterImage")]
    [InlineData("CreateSnapshot")]
    public async Task RootImageWhoseAnswersAreLost_IsAdopted_AndADeleteWithImagesRemovesIt(string action)
    {
        var spec = InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false) with
        {
            Persistence = new PersistenceSpec { PersistRootDevice = true },
        };
        var active = await fixture.CreateActiveAsync(spec);
        // The first call takes effect and its answer is lost; the SDK's retry meets what it made (InvalidAMIName.Duplicate).
        fixture.Emulator.InjectFault(new ActionFault { Action = action, ErrorRate = 1, AfterExecution = true, Count = 1 });

        await fixture.Client.RecycleAsync(active.Id);
        var recycled = await fixture.WaitForNextGenerationAsync(active);

        Assert.True(recycled.Status == ManagedInstanceStatus.Active, $"recycle ended in {recycled.Status}: {recycled.LastError}");
        var images = await OwnImagesAsync(active.Id);
        Assert.Equal([recycled.ImageId], images.Select(i => i.ImageId));

        await fixture.Client.DeleteAsync(active.Id, new DeleteOptions
        {
            ShouldDeleteVolumes = true, ShouldDeleteSnapshots = true, ShouldDeleteImages = true, ShouldDeleteNetworkInterfaces = true,
        });
        await WaitUntilGoneAsync(active.Id);

        Assert.Empty(await OwnImagesAsync(active.Id));
        var snapshots = await fixture.Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
        {
            OwnerIds = ["self"],
            Filters = [new Filter("tag:statefulspot:managed-instance", [active.Id])],
        });
        Assert.Empty(snapshots.Snapshots ?? []);
    }

    private async Task<List<Image>> OwnImagesAsync(string managedInstanceId) =>
    [
        .. ((await fixture.Ec2.DescribeImagesAsync(new DescribeImagesRequest
        {
            Owners = ["self"],
            Filters = [new Filter("tag:statefulspot:managed-instance", [managedInstanceId])],
        })).Images ?? []).Where(i => i.State.Value != "deregistered"),
    ];

    private async Task WaitUntilGoneAsync(string id)
    {
        using var timeout = new CancellationTokenSource(StatefulSpotClusterFixture.Patience);
        while (true)
        {
            var view = await fixture.Client.GetAsync(id, timeout.Token);
            if (view is null or { Status: ManagedInstanceStatus.Deleted })
            {
                return;
            }

            Assert.True(view.Status != ManagedInstanceStatus.Error, $"the delete ended in Error: {view.LastError}");

            await Task.Delay(100, timeout.Token);
        }
    }
}
