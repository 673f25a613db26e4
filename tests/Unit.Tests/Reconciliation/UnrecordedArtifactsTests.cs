using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.Reconciliation;
using StatefulSpot.Unit.Tests.ManagedInstances;

namespace StatefulSpot.Unit.Tests.Reconciliation;

public sealed class UnrecordedArtifactsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-02T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly ManagedInstanceState Paused = new()
    {
        Spec = Specs.Database(),
        Status = ManagedInstanceStatus.Paused,
        RootImages = [new RootImage("ami-kept", "snap-of-kept", 2)],
        LatestSnapshots = [new DeviceSnapshot("/dev/sdf", "snap-latest", "vol-1")],
    };

    [Fact]
    public void WhatTheStateRecords_IsKept_AndTheRestIsReturned()
    {
        var (images, snapshots) = UnrecordedArtifacts.Of(Paused, ["ami-kept", "ami-duplicate"], ["snap-of-kept", "snap-latest", "snap-duplicate"]);

        Assert.Equal(["ami-duplicate"], images);
        Assert.Equal(["snap-duplicate"], snapshots);
    }

    [Fact]
    public void NothingIsReturned_WhileAnOperationRuns_ForADeletedManagedInstance_OrOneThatDoesNotExist()
    {
        var running = Paused with
        {
            Operation = new SagaCursor { Kind = OperationKind.Resume, Trigger = OperationTrigger.User, Step = SagaStep.Launch, StartedAt = Now, StepStartedAt = Now },
        };

        foreach (var state in new[] { running, Paused with { Status = ManagedInstanceStatus.Deleted }, new ManagedInstanceState() })
        {
            var (images, snapshots) = UnrecordedArtifacts.Of(state, ["ami-duplicate"], ["snap-duplicate"]);
            Assert.Empty(images);
            Assert.Empty(snapshots);
        }
    }

    [Fact]
    public void OnlyArtifactsOfRegisteredOwnersOlderThanTheGrace_AreAsked()
    {
        TaggedArtifact[] artifacts =
        [
            new("ami-old", "smi-a", Now.AddHours(-2), []),
            new("snap-young", "smi-a", Now.AddMinutes(-1), []),
            new("snap-elsewhere", "smi-another-cluster", Now.AddDays(-3), []),
        ];

        var asked = UnrecordedArtifacts.ByOwner(artifacts, new HashSet<string> { "smi-a" }, Now, TimeSpan.FromMinutes(10)).ToList();

        var owner = Assert.Single(asked);
        Assert.Equal("smi-a", owner.Key);
        Assert.Equal(["ami-old"], owner.Select(a => a.Id));
    }
}
