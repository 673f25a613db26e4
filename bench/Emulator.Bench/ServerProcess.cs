using System.Diagnostics;

namespace StatefulSpot.Emulator.Bench;

/// <summary>
/// This benchmark started again as a child process in a server mode (<c>--server</c>: the emulator; <c>--canned-server</c>:
/// the baseline), so the load generator and the server under test are separate processes with separate CPU accounting.
/// The child prints <c>listening on URL</c> and exits when its standard input closes, i.e. with this process.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "listening on ";

    private readonly Process _process;

    private ServerProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>The child's CPU time so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The child's peak working set so far (the kernel's high-water mark).</summary>
    public long PeakWorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
    }

    public static async Task<ServerProcess> StartAsync(IEnumerable<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell this process's executable.");
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self}.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
                {
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return new ServerProcess(process, new Uri(line[ListeningPrefix.Length..]));
                }
            }

            throw new InvalidOperationException($"The server process exited before listening (exit code {(process.HasExited ? process.ExitCode : -1)}).");
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>In the child: announce the URL, then run until standard input closes (the parent stopped).</summary>
    public static async Task ServeUntilParentExitsAsync(Uri url)
    {
        Console.WriteLine(ListeningPrefix + url);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[64];
        while (await stdin.ReadAsync(buffer).ConfigureAwait(false) > 0)
        {
            // nothing is sent; wait for end of file
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
