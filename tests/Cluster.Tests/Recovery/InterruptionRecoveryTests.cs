using Amazon.EC2.Model;
using Amazon.SQS.Model;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;
using LaunchSpecification = StatefulSpot.Grains.Interfaces.LaunchSpecification;

namespace StatefulSpot.Cluster.Tests.Recovery;

public sealed class InterruptionRecoveryTests(StatefulSpotClusterFixture fixture) : IClassFixture<StatefulSpotClusterFixture>
{

    public static ManagedInstanceSpec DatabaseSpec(bool persistPrivateIp = true) => new()
    {
        Name = "orders-db",
        SubnetIds = [DefaultWorld.SubnetA],
        LaunchSpecification = new LaunchSpecification
        {
            ImageId = DefaultWorld.ImageId,
            InstanceTypes = InstanceTypesSpec.Of("m5.large"),
            BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 50 }],
        },
        Persistence = new PersistenceSpec { PersistPrivateIp = persistPrivateIp },
    };

    [Fact]
    public async Task SpotInterruption_ComesBackOnANewInstanceWithTheSameVolumeEniAndPrivateIp()
    {
        var created = await fixture.Client.CreateAsync(DatabaseSpec());
        var before = await fixture.Client.WaitUntilAsync(created.Id, v => v.Status != ManagedInstanceStatus.Creating, StatefulSpotClusterFixture.Patience);
        Assert.Equal(ManagedInstanceStatus.Active, before.Status);
        var volumeBefore = Assert.Single(before.Volumes);
        Assert.Equal(before.InstanceId, volumeBefore.AttachedInstanceId);

        // A poison message ahead of the notice must not stop the stream.
        await fixture.Sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = fixture.Emulator.EventQueueUrl, MessageBody = "{ not json" });
        await fixture.Emulator.InterruptAsync(before.InstanceId!);

        var after = await fixture.Client.WaitUntilAsync(created.Id,
            v => v.Generation > before.Generation && v.Status != ManagedInstanceStatus.Recycling, StatefulSpotClusterFixture.Patience);

        Assert.Equal(ManagedInstanceStatus.Active, after.Status);
        Assert.NotEqual(before.InstanceId, after.InstanceId);
        Assert.Equal(volumeBefore.VolumeId, Assert.Single(after.Volumes).VolumeId);
        Assert.Equal(before.NetworkInterfaceId, after.NetworkInterfaceId);
        Assert.Equal(before.PrivateIp, after.PrivateIp);

        var recovery = after.History.Last();
        Assert.Equal(OperationKind.Recycle, recovery.Kind);
        Assert.Equal(OperationTrigger.SpotInterruption, recovery.Trigger);
        Assert.Equal(before.InstanceId, recovery.OldInstanceId);
        Assert.Equal(after.InstanceId, recovery.NewInstanceId);
        Assert.NotNull(recovery.Downtime);
        Assert.True(recovery.OldTerminatedAt <= recovery.ReplacementLaunchedAt, "the replacement was launched before the old instance was gone");

        // What EC2 itself says: one live instance for the managed instance, holding the ENI at index 0 and the volume.
        var live = await fixture.LiveInstancesAsync(created.Id);
        var instance = Assert.Single(live);
        Assert.Equal(after.InstanceId, instance.InstanceId);
        Assert.Equal(before.PrivateIp, instance.PrivateIpAddress);
        var eni = Assert.Single(instance.NetworkInterfaces);
        Assert.Equal(before.NetworkInterfaceId, eni.NetworkInterfaceId);
        Assert.Equal(0, eni.Attachment.DeviceIndex);
        var volume = (await fixture.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volumeBefore.VolumeId!] })).Volumes.Single();
        var attachment = Assert.Single(volume.Attachments);
        Assert.Equal(after.InstanceId, attachment.InstanceId);
        Assert.Equal("/dev/sdf", attachment.Device);
    }

    [Fact]
    public async Task DuplicateInterruptionNotice_DoesNotRecoverTwice()
    {
        var created = await fixture.Client.CreateAsync(DatabaseSpec(persistPrivateIp: false));
        var before = await fixture.Client.WaitUntilAsync(created.Id, v => v.Status != ManagedInstanceStatus.Creating, StatefulSpotClusterFixture.Patience);
        Assert.Equal(ManagedInstanceStatus.Active, before.Status);

        var notice = SpotWarning(before.InstanceId!, Guid.NewGuid().ToString());
        await fixture.Sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = fixture.Emulator.EventQueueUrl, MessageBody = notice });
        await fixture.Sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = fixture.Emulator.EventQueueUrl, MessageBody = notice });
        await fixture.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [before.InstanceId!] });

        var after = await fixture.Client.WaitUntilAsync(created.Id,
            v => v.Generation > before.Generation && v.Status != ManagedInstanceStatus.Recycling, StatefulSpotClusterFixture.Patience);
        Assert.Equal(ManagedInstanceStatus.Active, after.Status);

        // Give any second (wrong) recovery the time to start before looking again.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var settled = await fixture.Client.GetAsync(created.Id);
        Assert.Equal(before.Generation + 1, settled!.Generation);
        Assert.Single(settled.History, h => h.Kind == OperationKind.Recycle);
        Assert.Single(await fixture.LiveInstancesAsync(created.Id));
        Assert.Equal(before.Volumes.Single().VolumeId, settled.Volumes.Single().VolumeId);
    }

    [Fact]
    public async Task StateChangeBeforeItsWarning_RecoversOnce()
    {
        var active = await fixture.CreateActiveAsync(DatabaseSpec(persistPrivateIp: false));

        await SendAsync(Event("EC2 Instance State-change Notification", active.InstanceId!, """{"instance-id":"ID","state":"shutting-down"}"""));

        // A standard SQS queue (read by several receivers) keeps no order: the warning is sent once the state change arrived.
        await fixture.Client.WaitUntilAsync(active.Id, v => v.Generation > active.Generation, StatefulSpotClusterFixture.Patience);
        await SendAsync(Event("EC2 Spot Instance Interruption Warning", active.InstanceId!, """{"instance-id":"ID","instance-action":"terminate"}"""));
        await fixture.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [active.InstanceId!] });

        var after = await fixture.Client.WaitUntilAsync(active.Id,
            v => v.Generation > active.Generation && v.Status != ManagedInstanceStatus.Recycling, StatefulSpotClusterFixture.Patience);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var settled = await fixture.Client.GetAsync(active.Id);

        Assert.Equal(ManagedInstanceStatus.Active, after.Status);
        Assert.Equal(active.Generation + 1, settled!.Generation);
        Assert.Equal(OperationTrigger.InstanceStateChange, Assert.Single(settled.History, h => h.Kind == OperationKind.Recycle).Trigger);
        Assert.Single(await fixture.LiveInstancesAsync(active.Id));
    }

    [Fact]
    public async Task RebalanceRecommendation_RecyclesOnlyWhenTheSpecAsks()
    {
        var ignoring = await fixture.CreateActiveAsync(DatabaseSpec(persistPrivateIp: false));
        var recycling = await fixture.CreateActiveAsync(DatabaseSpec(persistPrivateIp: false) with
        {
            Strategy = new StrategySpec { OnRebalanceRecommendation = RebalanceAction.Recycle },
        });

        await SendAsync(Event("EC2 Instance Rebalance Recommendation", ignoring.InstanceId!, """{"instance-id":"ID"}"""));
        await SendAsync(Event("EC2 Instance Rebalance Recommendation", recycling.InstanceId!, """{"instance-id":"ID"}"""));

        var recycled = await fixture.Client.WaitUntilAsync(recycling.Id,
            v => v.Generation > recycling.Generation && v.Status != ManagedInstanceStatus.Recycling, StatefulSpotClusterFixture.Patience);
        Assert.Equal(ManagedInstanceStatus.Active, recycled.Status);
        Assert.Equal(OperationTrigger.RebalanceRecommendation, recycled.History.Last().Trigger);
        Assert.NotEqual(recycling.InstanceId, recycled.InstanceId);
        Assert.Equal(recycling.Volumes.Single().VolumeId, recycled.Volumes.Single().VolumeId);

        var untouched = await fixture.Client.GetAsync(ignoring.Id);
        Assert.Equal(ignoring.InstanceId, untouched!.InstanceId);
        Assert.Equal(ignoring.Generation, untouched.Generation);
    }

    [Fact]
    public async Task Create_WithUnknownSubnet_IsRejectedWithTheFieldNamedAndCreatesNothing()
    {
        var id = StatefulSpot.Client.StatefulSpotClient.NewId();
        var spec = DatabaseSpec() with { SubnetIds = ["subnet-0123456789abcdef0"] };

        var error = await Assert.ThrowsAsync<InvalidSpecException>(() => fixture.Client.CreateAsync(id, spec));

        Assert.Contains("subnetIds", error.Message);
        Assert.Null(await fixture.Client.GetAsync(id));
        Assert.Empty(await fixture.LiveInstancesAsync(id));
        var enis = await fixture.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
        {
            Filters = [new Filter("tag:statefulspot:managed-instance", [id])],
        });
        Assert.Empty(enis.NetworkInterfaces ?? []);
    }

    [Fact]
    public async Task List_ReturnsCreatedManagedInstances()
    {
        var created = await fixture.Client.CreateAsync(DatabaseSpec(persistPrivateIp: false));

        var all = await fixture.Client.ListAsync();

        Assert.Contains(all, v => v.Id == created.Id && v.Spec.Name == "orders-db");
    }

    private Task SendAsync(string body) =>
        fixture.Sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = fixture.Emulator.EventQueueUrl, MessageBody = body });

    private static string Event(string detailType, string instanceId, string detail) => $$$"""
        {"version":"0","id":"{{{Guid.NewGuid()}}}","detail-type":"{{{detailType}}}","source":"aws.ec2",
         "account":"123456789012","time":"{{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}}}","region":"us-east-1",
         "resources":["arn:aws:ec2:us-east-1:123456789012:instance/{{{instanceId}}}"],
         "detail":{{{detail.Replace("ID", instanceId, StringComparison.Ordinal)}}}}
        """;

    private static string SpotWarning(string instanceId, string eventId) => $$$"""
        {"version":"0","id":"{{{eventId}}}","detail-type":"EC2 Spot Instance Interruption Warning","source":"aws.ec2",
         "account":"123456789012","time":"{{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}}}","region":"us-east-1",
         "resources":["arn:aws:ec2:us-east-1:123456789012:instance/{{{instanceId}}}"],
         "detail":{"instance-id":"{{{instanceId}}}","instance-action":"terminate"}}
        """;
}
