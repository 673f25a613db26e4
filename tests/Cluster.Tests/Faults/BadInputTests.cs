using Amazon.EC2.Model;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Faults;

/// <summary>Bad input gets a clear, typed error before anything is created, and creates nothing.</summary>
public sealed class BadInputTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        fixture.Emulator.ClearFaults();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnImageEc2DoesNotKnow_IsRefusedBeforeAnyVolumeOrInterfaceIsCreated()
    {
        var id = Grains.Interfaces.ManagedInstanceIds.Require("smi-0000a1a1");
        var spec = InterruptionRecoveryTests.DatabaseSpec() with
        {
            LaunchSpecification = InterruptionRecoveryTests.DatabaseSpec().LaunchSpecification with { ImageId = "ami-00000000000000dead" },
        };

        var refused = await Assert.ThrowsAsync<InvalidSpecException>(() => fixture.Client.CreateAsync(id, spec));

        Assert.Contains("ami-00000000000000dead", refused.Message);
        Assert.Null(await fixture.Client.GetAsync(id));
        Assert.Empty((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [new Filter("tag:statefulspot:managed-instance", [id])] })).Volumes ?? []);
        Assert.Empty((await fixture.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
        {
            Filters = [new Filter("tag:statefulspot:managed-instance", [id])],
        })).NetworkInterfaces ?? []);
    }

    [Theory]
    [InlineData("smi-0123abcd\u0000")]
    [InlineData("smi-0123abcd/x")]
    [InlineData("orders-db")]
    public async Task AnIdThatIsNotAManagedInstanceId_IsNotCreated_TheClientRefusesItBeforeItBecomesAGrainKey(string id)
    {
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.CreateAsync(id, InterruptionRecoveryTests.DatabaseSpec()));

        Assert.Contains("not a managed-instance id", refused.Message);
    }

    [Theory]
    [InlineData("smi-0123abcd\u0000")]
    [InlineData("smi-0123abcd/x")]
    public async Task AnIdNoStorageCouldHold_IsRefusedForEveryCall(string id)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.PauseAsync(id));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetAsync(id));
    }

    [Fact]
    public async Task AnOlderBuildsIdShape_IsStillReachable_ForCallsOnExistingManagedInstances() =>
        await Assert.ThrowsAsync<ManagedInstanceNotFoundException>(() => fixture.Client.PauseAsync("orders-db"));

    [Fact]
    public async Task AnIdThatIsNotAManagedInstanceId_IsRefusedByTheGrainToo()
    {
        var grain = fixture.Cluster.Client.GetGrain<IManagedInstanceGrain>("smi-NOT-HEX");

        var refused = await Assert.ThrowsAsync<InvalidSpecException>(() => grain.CreateAsync(InterruptionRecoveryTests.DatabaseSpec()));

        Assert.Contains("not a managed-instance id", refused.Message);
    }

    [Fact]
    public async Task AnEc2ErrorDuringTheChecks_ReachesTheCallerAsATypedError_AndCreatesNothing()
    {
        var id = StatefulSpot.Client.StatefulSpotClient.NewId();
        fixture.Emulator.InjectFault(new ActionFault { Action = "DescribeSubnets", ErrorRate = 1, ErrorCode = "UnauthorizedOperation", StatusCode = 403 });

        var refused = await Assert.ThrowsAsync<Ec2UnavailableException>(() => fixture.Client.CreateAsync(id, InterruptionRecoveryTests.DatabaseSpec()));

        Assert.Equal("UnauthorizedOperation", refused.ErrorCode);
        fixture.Emulator.ClearFaults();
        Assert.Null(await fixture.Client.GetAsync(id));
    }

    [Fact]
    public async Task ADeletedId_IsNotCreatedAgain_AndSaysSo()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false));
        await fixture.Client.DeleteAsync(active.Id);
        await fixture.Client.WaitUntilAsync(active.Id, v => v.Status == ManagedInstanceStatus.Deleted, StatefulSpotClusterFixture.Patience);

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => fixture.Client.CreateAsync(active.Id, InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false)));

        Assert.Contains("was deleted", refused.Message);
        await Assert.ThrowsAsync<ManagedInstanceNotFoundException>(() => fixture.Client.PauseAsync(active.Id));
    }

    [Fact]
    public async Task ASpecForAnotherRegion_IsRefused()
    {
        var refused = await Assert.ThrowsAsync<InvalidSpecException>(() => fixture.Client.CreateAsync(InterruptionRecoveryTests.DatabaseSpec() with { Region = "eu-west-1" }));

        Assert.Contains("this cluster manages us-east-1", refused.Message);
    }

    [Fact]
    public async Task ASecurityGroupEc2DoesNotKnow_IsRefusedBeforeAnyVolumeOrInterfaceIsCreated_AndTheVpcsOwnIsAccepted()
    {
        var id = Client.StatefulSpotClient.NewId();
        var spec = InterruptionRecoveryTests.DatabaseSpec() with
        {
            LaunchSpecification = InterruptionRecoveryTests.DatabaseSpec().LaunchSpecification with { SecurityGroupIds = ["sg-00000000000000bad"] },
        };

        var refused = await Assert.ThrowsAsync<InvalidSpecException>(() => fixture.Client.CreateAsync(id, spec));

        Assert.Contains("sg-00000000000000bad", refused.Message);
        Assert.Null(await fixture.Client.GetAsync(id));
        Assert.Empty((await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [new Filter("tag:statefulspot:managed-instance", [id])] })).Volumes ?? []);
        var accepted = await fixture.CreateActiveAsync(spec with
        {
            LaunchSpecification = spec.LaunchSpecification with { SecurityGroupIds = [DefaultWorld.SecurityGroupId] },
        });
        Assert.Equal(ManagedInstanceStatus.Active, accepted.Status);
    }
}
