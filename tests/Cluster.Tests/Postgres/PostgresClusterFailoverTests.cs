using Amazon.EC2;
using Amazon.EC2.Model;
using Npgsql;
using StatefulSpot.Client;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Emulator;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Postgres;

/// <summary>
/// Two silos on PostgreSQL membership, grain state and reminders, against the emulator through the real AWS SDK: the silo
/// that runs a managed instance's recovery dies in the middle of it, and the other silo finishes it from the persisted
/// saga cursor.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterFailoverTests(PostgresServerFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Recovery_WhenItsSiloIsKilledHalfWay_CompletesOnTheOtherSilo_WithOneInstanceTheSameVolumeAndIp()
    {
        await using var setup = await PostgresRecoveryCluster.StartAsync(postgres, "failover");
        var (emulator, cluster, client, connectionString) = (setup.Emulator, setup.Cluster, setup.Client, setup.ConnectionString);
        var created = await setup.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec());
        var before = created;
        var volumeBefore = Assert.Single(before.Volumes);
        var hostSilo = await setup.HostOfAsync(created.Id);
        var host = hostSilo.SiloAddress;

        await emulator.InterruptAsync(before.InstanceId!);
        var recycling = await client.WaitUntilAsync(created.Id, v => v.Status == ManagedInstanceStatus.Recycling, Patience);

        // The status is written just before the saga registers its reminder (and reads interleave): allow it a moment.
        var reminderDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await ReminderRowsAsync(connectionString, created.Id) == 0 && DateTime.UtcNow < reminderDeadline)
        {
            await Task.Delay(50);
        }

        Assert.True(await ReminderRowsAsync(connectionString, created.Id) > 0, "the running saga has no reminder in PostgreSQL");
        await cluster.KillSiloAsync(hostSilo);

        var after = await client.WaitUntilAsync(created.Id,
            v => v.Generation > before.Generation && v.Status != ManagedInstanceStatus.Recycling, Patience);

        Assert.True(after.Status == ManagedInstanceStatus.Active, $"the recovery ended in {after.Status}: {after.LastError} (killed at step {recycling.CurrentStep})");
        var survivor = await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(cluster.Client.GetGrain<IManagedInstanceGrain>(created.Id));
        Assert.NotEqual(host, survivor);
        Assert.NotEqual(before.InstanceId, after.InstanceId);
        Assert.Equal(before.PrivateIp, after.PrivateIp);

        // The emulator's world: exactly one live instance for the managed instance, with its private IP and its volume.
        var ec2 = setup.Ec2;
        var live = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters =
            [
                new Filter("tag:statefulspot:managed-instance", [created.Id]),
                new Filter("instance-state-name", ["pending", "running", "stopping", "stopped", "shutting-down"]),
            ],
        });
        var instance = Assert.Single((live.Reservations ?? []).SelectMany(r => r.Instances ?? []));
        Assert.Equal(after.InstanceId, instance.InstanceId);
        Assert.Equal(before.PrivateIp, instance.PrivateIpAddress);
        var volume = (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volumeBefore.VolumeId!] })).Volumes.Single();
        Assert.Equal(after.InstanceId, Assert.Single(volume.Attachments).InstanceId);
    }

    [Fact]
    public async Task Recovery_WhenItsSiloIsKilled_IsResumedByItsReminderAlone()
    {
        // Nothing else may wake the managed instance: no state-change events, no reconciler, no calls from the test.
        await using var setup = await PostgresRecoveryCluster.StartAsync(postgres, "reminder_resume",
            new EmulatorOptions { TimeScale = 0.02, EmitStateChangeEvents = false }, reconciler: false);
        var (client, ec2) = (setup.Client, setup.Ec2);
        var created = await setup.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec());
        var before = created;
        var hostSilo = await setup.HostOfAsync(created.Id);

        await setup.Emulator.InterruptAsync(before.InstanceId!);
        await client.WaitUntilAsync(created.Id, v => v.Status == ManagedInstanceStatus.Recycling, Patience);
        await setup.Cluster.KillSiloAsync(hostSilo);

        // Watch EC2 only, until a replacement runs with the volume attached (the reminder fires at most a period later).
        var volumeId = before.Volumes.Single().VolumeId!;

        // The kill came in time: the replacement is not launched yet (the old instance is still draining).
        var launched = (await ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters = [new Filter("tag:statefulspot:managed-instance", [created.Id])],
        })).Reservations.SelectMany(r => r.Instances).Where(i => i.InstanceId != before.InstanceId);
        Assert.Empty(launched);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        string? attachedTo = null;
        while (DateTime.UtcNow < deadline)
        {
            var volume = (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volumeId] })).Volumes.Single();
            attachedTo = volume.Attachments?.FirstOrDefault(a => a.State == VolumeAttachmentState.Attached)?.InstanceId;
            if (attachedTo is not null && attachedTo != before.InstanceId)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.True(attachedTo is not null && attachedTo != before.InstanceId, "no reminder resumed the recovery within 4 minutes");
        var after = await client.WaitUntilAsync(created.Id, v => v.Status != ManagedInstanceStatus.Recycling, Patience);
        Assert.Equal(ManagedInstanceStatus.Active, after.Status);
        Assert.Equal(attachedTo, after.InstanceId);
        Assert.Equal(before.PrivateIp, after.PrivateIp);
    }

    private static async Task<long> ReminderRowsAsync(string connectionString, string managedInstanceId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM OrleansRemindersTable WHERE GrainId LIKE @id", connection);
        command.Parameters.AddWithValue("id", "%" + managedInstanceId + "%");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
