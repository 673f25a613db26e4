using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

public sealed class SnapshotRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static ManagedInstanceSpec OnLaunch(bool persistRoot = false) => Specs.Database(persistPrivateIp: false) with
    {
        Persistence = new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch, PersistRootDevice = persistRoot },
    };

    [Fact]
    public void ContinuousDevices_RootWithPersistRoot_DataVolumesOnlyInOnLaunchMode()
    {
        Assert.Empty(SnapshotRules.ContinuousDevices(Specs.Database()));
        Assert.Equal(["/dev/sdf"], SnapshotRules.ContinuousDevices(OnLaunch()));
        Assert.Equal(["/dev/xvda", "/dev/sdf"], SnapshotRules.ContinuousDevices(OnLaunch(persistRoot: true)));
        Assert.Equal(["/dev/xvda"], SnapshotRules.ContinuousDevices(Specs.Database() with
        {
            Persistence = new PersistenceSpec { PersistRootDevice = true },
        }));
        Assert.Empty(SnapshotRules.ContinuousDevices(Specs.Database(), spansZones: false));
        Assert.Equal(["/dev/sdf"], SnapshotRules.ContinuousDevices(Specs.Database(), spansZones: true));
        Assert.Empty(SnapshotRules.ContinuousDevices(OnLaunch() with
        {
            Persistence = new PersistenceSpec { BlockDevicesMode = BlockDevicesMode.OnLaunch, PersistBlockDevices = false },
        }));
    }

    [Fact]
    public void IsDue_OnlyWhenActiveIdleAndAnIntervalHasPassed()
    {
        var state = new ManagedInstanceState { Spec = OnLaunch(), Status = ManagedInstanceStatus.Active, InstanceId = "i-0123456789abcdef0" };

        Assert.True(SnapshotRules.IsDue(state, T0));
        Assert.False(SnapshotRules.IsDue(state with { LastSnapshotAt = T0 }, T0 + TimeSpan.FromMinutes(4)));
        Assert.True(SnapshotRules.IsDue(state with { LastSnapshotAt = T0 }, T0 + TimeSpan.FromMinutes(5)));
        Assert.False(SnapshotRules.IsDue(state with { Status = ManagedInstanceStatus.Paused }, T0));
        Assert.False(SnapshotRules.IsDue(state with { InstanceId = null }, T0));
        Assert.False(SnapshotRules.IsDue(state with
        {
            Operation = new SagaCursor { Kind = OperationKind.Recycle, Trigger = OperationTrigger.User, Step = SagaStep.Launch, StartedAt = T0, StepStartedAt = T0 },
        }, T0));
        Assert.False(SnapshotRules.IsDue(state with { Spec = Specs.Database() }, T0));
    }

    [Fact]
    public void Superseded_KeepsTheNewestPerDevice_PendingAndInUseStay()
    {
        var snapshots = new[]
        {
            Facts("snap-a1", "/dev/sdf", 1), Facts("snap-a2", "/dev/sdf", 2), Facts("snap-a3", "/dev/sdf", 3), Facts("snap-a4", "/dev/sdf", 4, completed: false),
            Facts("snap-b1", "/dev/sdg", 1), Facts("snap-b2", "/dev/sdg", 2),
            Facts("snap-c1", "/dev/xvda", 1), Facts("snap-c2", "/dev/xvda", 2), Facts("snap-c3", "/dev/xvda", 3),
        };

        var superseded = SnapshotRules.Superseded(snapshots, retention: 2, inUse: new HashSet<string> { "snap-c1" });

        Assert.Equal(["snap-a1", "snap-a2"], superseded.Order());
        Assert.DoesNotContain("snap-c1", superseded);
    }

    [Fact]
    public void Superseded_LeavesRoomForTheSnapshotAboutToBeTaken_ButNeverTheLastCompletedOne()
    {
        var snapshots = new[] { Facts("snap-a1", "/dev/sdf", 1), Facts("snap-a2", "/dev/sdf", 2), Facts("snap-b1", "/dev/sdg", 1) };
        var none = new HashSet<string>();

        Assert.Equal(["snap-a1"], SnapshotRules.Superseded(snapshots, 2, none, aboutToTake: new HashSet<string> { "/dev/sdf" }));
        Assert.Equal(["snap-a1"], SnapshotRules.Superseded(snapshots, 1, none, aboutToTake: new HashSet<string> { "/dev/sdg" }));
        Assert.Equal(["snap-a1"], SnapshotRules.Superseded(snapshots, 1, none));
    }

    private static SnapshotFacts Facts(string id, string device, int minute, bool completed = true) =>
        new(id, device, T0 + TimeSpan.FromMinutes(minute), completed);
}
