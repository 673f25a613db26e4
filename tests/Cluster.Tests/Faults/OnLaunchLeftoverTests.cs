using Amazon.EC2.Model;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Faults;

/// <summary>
/// onLaunch volumes are made by the launch's block-device mapping and recorded by their volume grains only once the
/// instance runs (WaitRunning). A launch whose answer was lost, and whose instance then died before anything recorded
/// it, must leave neither its volumes behind nor a launch that can never succeed again.
/// </summary>
public sealed class OnLaunchLeftoverTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        fixture.Emulator.ClearFaults();
        return Task.CompletedTask;
    }

    private static ManagedInstanceSpec OnLaunchSpec() => new()
    {
        Name = "search-data",
        SubnetIds = [DefaultWorld.SubnetA],
        LaunchSpecification = new Grains.Interfaces.LaunchSpecification
        {
            ImageId = DefaultWorld.ImageId,
            InstanceTypes = InstanceTypesSpec.Of("m5.large"),
            BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 40 }],
        },
        Persistence = new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch },
        Snapshots = new SnapshotSpec { Interval = TimeSpan.FromHours(1), Retention = 2 },
    };

    [Fact]
    public async Task LaunchWhoseAnswerIsLost_AndWhoseInstanceDiesBeforeItIsRecorded_LeavesNoVolumeBehind()
    {
        var active = await fixture.CreateActiveAsync(OnLaunchSpec());

        // Every RunInstances launches (with a new volume from the final snapshot) and answers 500: nothing records the instance.
        fixture.Emulator.InjectFault(new ActionFault { Action = "RunInstances", ErrorRate = 1, AfterExecution = true });
        await fixture.Client.RecycleAsync(active.Id);
        var launched = await LaunchedAsync(active.Id, active.Generation + 1);

        // The instance is reclaimed before the launch looks for it again, and its mapping volume outlives it (onLaunch
        // volumes are not deleted on termination).
        await fixture.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [launched] });
        await TerminatedAsync(launched);
        fixture.Emulator.ClearFaults();

        var recycled = await fixture.WaitForNextGenerationAsync(active);

        // The invariant: no volume of ours is left detached that no state records.
        var untracked = await UntrackedAsync(recycled);
        Assert.True(untracked.Count == 0, $"volume(s) {string.Join(", ", untracked)} of {active.Id} are detached and recorded by no state "
            + $"(the recycle ended {recycled.Status}: {recycled.LastError})");
        Assert.True(recycled.Status == ManagedInstanceStatus.Active, $"recycle ended in {recycled.Status}: {recycled.LastError}");
        var live = Assert.Single(await fixture.LiveInstancesAsync(active.Id));
        Assert.Equal(recycled.InstanceId, live.InstanceId);
        Assert.NotEqual(launched, live.InstanceId);
        var volume = Assert.Single(recycled.Volumes);
        Assert.Equal(live.InstanceId, volume.AttachedInstanceId);

        await fixture.Client.DeleteAsync(active.Id, new DeleteOptions { ShouldDeleteVolumes = true, ShouldDeleteNetworkInterfaces = true });
        var deleted = await fixture.Client.WaitUntilAsync(active.Id, v => v.Status is ManagedInstanceStatus.Deleted or ManagedInstanceStatus.Error,
            StatefulSpotClusterFixture.Patience);
        Assert.True(deleted.Status == ManagedInstanceStatus.Deleted, $"delete ended in {deleted.Status}: {deleted.LastError}");
        Assert.Empty(await OwnVolumesAsync(active.Id));
    }

    /// <summary>The available volumes tagged with the managed instance that its view (its volume grains) does not hold.</summary>
    private async Task<List<string>> UntrackedAsync(ManagedInstanceView view)
    {
        var held = view.Volumes.Select(v => v.VolumeId).Append(view.RootVolumeId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return [.. (await OwnVolumesAsync(view.Id)).Where(v => v.State.Value == "available" && !held.Contains(v.VolumeId)).Select(v => v.VolumeId)];
    }

    private async Task<List<Volume>> OwnVolumesAsync(string managedInstanceId) =>
    [
        .. (await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest
        {
            Filters = [new Filter($"tag:{TagKeys.ManagedInstance}", [managedInstanceId])],
        })).Volumes ?? [],
    ];

    /// <summary>The instance a launch of <paramref name="generation"/> made, as soon as EC2 lists it.</summary>
    private async Task<string> LaunchedAsync(string managedInstanceId, int generation)
    {
        using var timeout = new CancellationTokenSource(StatefulSpotClusterFixture.Patience);
        while (true)
        {
            var response = await fixture.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest
            {
                Filters =
                [
                    new Filter($"tag:{TagKeys.ManagedInstance}", [managedInstanceId]),
                    new Filter($"tag:{TagKeys.Generation}", [generation.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
                ],
            }, timeout.Token);
            if ((response.Reservations ?? []).SelectMany(r => r.Instances ?? []).FirstOrDefault() is { } instance)
            {
                return instance.InstanceId;
            }

            await Task.Delay(5, timeout.Token);
        }
    }

    private async Task TerminatedAsync(string instanceId)
    {
        using var timeout = new CancellationTokenSource(StatefulSpotClusterFixture.Patience);
        while ((await fixture.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, timeout.Token))
            .Reservations.SelectMany(r => r.Instances).Single().State.Name.Value != "terminated")
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
