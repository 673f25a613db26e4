namespace StatefulSpot.Emulator.Core;

/// <summary>The simulated EC2 durations of <see cref="EmulatorOptions"/>, multiplied by <see cref="EmulatorOptions.TimeScale"/>.</summary>
internal sealed class SimulatedDurations(EmulatorOptions options)
{
    public TimeSpan InstancePending => Scale(options.InstancePendingDuration);

    public TimeSpan InstanceShuttingDown => Scale(options.InstanceShuttingDownDuration);

    public TimeSpan VolumeCreating => Scale(options.VolumeCreatingDuration);

    public TimeSpan VolumeAttaching => Scale(options.VolumeAttachingDuration);

    public TimeSpan VolumeDetaching => Scale(options.VolumeDetachingDuration);

    public TimeSpan NetworkInterfacePending => Scale(options.NetworkInterfacePendingDuration);

    public TimeSpan InterruptionNoticeLead => Scale(options.InterruptionNoticeLead);

    private TimeSpan Scale(TimeSpan duration) => TimeSpan.FromTicks((long)Math.Round(duration.Ticks * options.TimeScale));
}
