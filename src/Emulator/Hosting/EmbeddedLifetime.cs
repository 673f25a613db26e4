using Microsoft.Extensions.Hosting;

namespace StatefulSpot.Emulator.Hosting;

/// <summary>An in-process emulator is stopped by its owner (dispose), not by Ctrl+C or SIGTERM of the hosting process.</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
