namespace StatefulSpot.Emulator.Core;

/// <summary>The simulated EC2 durations of <see cref="EmulatorOptions"/>, multiplied by the current time scale.</summary>
internal sealed class SimulatedDurations(EmulatorOptions options, SimulationClock clock)
{
    public TimeSpan InstancePending => clock.Scale(options.InstancePendingDuration);

    public TimeSpan InstanceShuttingDown => clock.Scale(options.InstanceShuttingDownDuration);

    public TimeSpan InstanceStopping => clock.Scale(options.InstanceStoppingDuration);

    public TimeSpan VolumeCreating => clock.Scale(options.VolumeCreatingDuration);

    public TimeSpan VolumeAttaching => clock.Scale(options.VolumeAttachingDuration);

    public TimeSpan VolumeDetaching => clock.Scale(options.VolumeDetachingDuration);

    public TimeSpan NetworkInterfacePending => clock.Scale(options.NetworkInterfacePendingDuration);

    public TimeSpan NetworkInterfaceAttachment => clock.Scale(options.NetworkInterfaceAttachmentDuration);

    public TimeSpan FirstSnapshot => clock.Scale(options.FirstSnapshotDuration);

    public TimeSpan IncrementalSnapshot => clock.Scale(options.IncrementalSnapshotDuration);

    public TimeSpan SnapshotPerVolumeInterval => clock.Scale(options.SnapshotPerVolumeInterval);

    public TimeSpan ImageAvailable => clock.Scale(options.ImageAvailableDuration);

    public TimeSpan InterruptionNoticeLead => clock.Scale(options.InterruptionNoticeLead);

    /// <summary>How long an EC2 call of <paramref name="action"/> takes before it answers.</summary>
    public TimeSpan CallLatency(string action) =>
        clock.Scale(action == "RunInstances" ? options.RunInstancesCallLatency : options.ApiCallLatency);

    /// <summary>A duration given in simulated seconds by a control call.</summary>
    public TimeSpan Simulated(TimeSpan duration) => clock.Scale(duration);
}
