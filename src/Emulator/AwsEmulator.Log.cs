using Microsoft.Extensions.Logging;

namespace StatefulSpot.Emulator;

public sealed partial class AwsEmulator
{
    [LoggerMessage(Level = LogLevel.Information,
        Message = "AWS emulator (EC2 + SQS) listening on {ServiceUrl}; event queue {EventQueueUrl}; region {Region}; time scale {TimeScale}")]
    private static partial void LogListening(ILogger logger, Uri serviceUrl, string eventQueueUrl, string region, double timeScale);

    [LoggerMessage(Level = LogLevel.Information, Message = "Emulator world loaded from {StateFile}")]
    private static partial void LogStateLoaded(ILogger logger, string stateFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "AWS emulator on {ServiceUrl} stopped")]
    private static partial void LogStopped(ILogger logger, Uri serviceUrl);
}
