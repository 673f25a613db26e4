using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.ManagedInstances.Saga;

namespace StatefulSpot.Unit.Tests.ManagedInstances.Saga;

public sealed class LaunchZonesTests
{
    private static readonly SubnetZone A = new("subnet-a", "us-east-1a");
    private static readonly SubnetZone B = new("subnet-b", "us-east-1b");
    private static readonly SubnetZone B2 = new("subnet-b2", "us-east-1b");

    [Fact]
    public void WithoutAPersistentInterface_TheCurrentZoneComesFirst_ThenOneSubnetPerOtherZone()
    {
        var state = new ManagedInstanceState { AvailabilityZone = "us-east-1b", Subnets = [A, B, B2] };

        Assert.Equal([("subnet-b", "us-east-1b"), ("subnet-a", "us-east-1a")], LaunchZones.For(Specs.Database(persistPrivateIp: false), state));
    }

    [Fact]
    public void APersistentInterface_PinsTheLaunchToItsZone()
    {
        var state = new ManagedInstanceState { AvailabilityZone = "us-east-1a", Subnets = [A, B] };

        Assert.Equal([("subnet-a", "us-east-1a")], LaunchZones.For(Specs.Database(persistPrivateIp: true), state));
    }

    [Fact]
    public void StateWithoutSubnets_LaunchesInTheFirstSubnetOfTheSpec()
    {
        var spec = Specs.Database(persistPrivateIp: false);
        var state = new ManagedInstanceState { AvailabilityZone = "us-east-1a" };

        Assert.Equal([(spec.SubnetIds[0], "us-east-1a")], LaunchZones.For(spec, state));
    }
}

public sealed class VolumeCleanupTests
{
    private static readonly VolumeView Current = new() { DeviceName = "/dev/sdf", VolumeId = "vol-new" };

    [Fact]
    public void AfterARecovery_ReplacedVolumesGo_TheCurrentOnesStay()
    {
        var state = new ManagedInstanceState { StaleVolumeIds = ["vol-old", "vol-new"] };

        var (delete, keep) = VolumeCleanup.Choose(state, [Current], OperationKind.Recycle);

        Assert.Equal(["vol-old"], delete);
        Assert.Empty(keep);
    }

    [Fact]
    public void APause_DeletesEvenCurrentVolumesCapturedInFinalSnapshots()
    {
        var state = new ManagedInstanceState { StaleVolumeIds = ["vol-new"] };
        VolumeView[] held = [Current, new VolumeView { DeviceName = "/dev/sdg", VolumeId = "vol-kept" }];

        var (delete, keep) = VolumeCleanup.Choose(state, held, OperationKind.Pause);

        Assert.Equal(["vol-new"], delete);
        Assert.Equal(["vol-kept"], keep.Select(v => v.VolumeId));
    }
}

public sealed class SupersessionTests
{
    private static SagaCursor Cursor(OperationKind kind, string? oldId = null, string? newId = null, DeleteOptions? delete = null) => new()
    {
        Kind = kind,
        Trigger = OperationTrigger.User,
        Step = SagaStep.Done,
        StartedAt = default,
        StepStartedAt = default,
        OldInstanceId = oldId,
        NewInstanceId = newId,
        DeleteOptions = delete,
    };

    [Fact]
    public void ARecycleThatSupersedesAPrestagedOne_TerminatesBothOfItsInstances_ButNotItsOwnOldOne()
    {
        var previous = Cursor(OperationKind.Recycle, "i-old", "i-new") with { AlsoTerminate = ["i-older", "i-old"] };

        Assert.Equal(["i-new", "i-older"], Supersession.AlsoTerminate(previous, Cursor(OperationKind.Recycle, oldId: "i-old"), importedFrom: null));
    }

    [Fact]
    public void AnImportsOriginal_IsNeverALeftover()
    {
        var previous = Cursor(OperationKind.Import, "i-original", "i-launched");

        Assert.Equal(["i-launched"], Supersession.AlsoTerminate(previous, Cursor(OperationKind.Delete, delete: new DeleteOptions()), importedFrom: "i-original"));
    }

    [Fact]
    public void AnOperationThatKeepsInstances_OrNothingRunning_InheritsNothing()
    {
        var previous = Cursor(OperationKind.Recycle, "i-old", "i-new");

        Assert.Empty(Supersession.AlsoTerminate(previous, Cursor(OperationKind.Resume), null));
        Assert.Empty(Supersession.AlsoTerminate(previous, Cursor(OperationKind.Delete, delete: new DeleteOptions { ShouldTerminateInstance = false }), null));
        Assert.Empty(Supersession.AlsoTerminate(null, Cursor(OperationKind.Pause, "i-old"), null));
    }

    [Fact]
    public void ADeleteThatTerminates_AlwaysSweepsForInstancesNoStateRecords()
    {
        Assert.True(Supersession.SweepsUnrecorded(null, Cursor(OperationKind.Delete, "i-old", delete: new DeleteOptions()), ManagedInstanceStatus.Active));
        Assert.False(Supersession.SweepsUnrecorded(null, Cursor(OperationKind.Delete, delete: new DeleteOptions { ShouldTerminateInstance = false }),
            ManagedInstanceStatus.Error));
    }

    [Fact]
    public void AnOperationAfterAnUnconfirmedLaunch_Sweeps_AndOneAfterARecordedLaunchDoesNot()
    {
        var unconfirmed = Cursor(OperationKind.Recycle, "i-old") with { LaunchRequested = true };
        var recorded = Cursor(OperationKind.Recycle, "i-old", "i-new") with { LaunchRequested = true };

        Assert.True(Supersession.SweepsUnrecorded(unconfirmed, Cursor(OperationKind.Pause, "i-old"), ManagedInstanceStatus.Recycling));
        Assert.False(Supersession.SweepsUnrecorded(recorded, Cursor(OperationKind.Pause, "i-old"), ManagedInstanceStatus.Recycling));
        Assert.True(Supersession.SweepsUnrecorded(null, Cursor(OperationKind.Recycle, "i-old"), ManagedInstanceStatus.Error));
        Assert.False(Supersession.SweepsUnrecorded(null, Cursor(OperationKind.Recycle, "i-old"), ManagedInstanceStatus.Active));
        Assert.False(Supersession.SweepsUnrecorded(unconfirmed, Cursor(OperationKind.Resume), ManagedInstanceStatus.Recycling));
    }
}
