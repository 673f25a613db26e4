namespace StatefulSpot.Emulator;

/// <summary>
/// A Spot interruption the emulator issued: the warning event <paramref name="EventId"/> went on the event queue at
/// <paramref name="NoticeTime"/>; the instance starts shutting down at <paramref name="TerminationTime"/>
/// (notice + the scaled <see cref="EmulatorOptions.InterruptionNoticeLead"/>).
/// </summary>
public sealed record InterruptionNotice(string InstanceId, DateTimeOffset NoticeTime, DateTimeOffset TerminationTime, string EventId);
