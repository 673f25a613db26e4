using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StatefulSpot.Controller.Bench;

/// <summary>
/// A child process of the bench (a silo, the emulator) whose output goes to a log file, with the last lines kept for
/// error messages. Every child is registered so that it is killed when the bench exits, fails or is interrupted.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 60;
    private static readonly ConcurrentDictionary<ChildProcess, byte> Alive = new();

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Queue<string> _tail = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _watchers = [];

    private ChildProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string name, string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, string logFile)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(logFile, append: false) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var child = new ChildProcess(name, process, log);
        Alive[child] = 0;
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last lines the process printed.</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    /// <summary>Waits for a line that <paramref name="match"/> accepts; fails with the output when the process exits or time runs out.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan timeout, CancellationToken ct)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_tail)
        {
            if (_tail.FirstOrDefault(match) is { } seen)
            {
                return seen;
            }

            _watchers.Add((match, found));
        }

        var deadline = DateTime.UtcNow + timeout;
        while (!found.Task.IsCompleted)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                await Task.Delay(200, CancellationToken.None).ConfigureAwait(false); // let the last lines arrive
                if (found.Task.IsCompleted)
                {
                    break;
                }

                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before {what}:\n{Tail()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not report {what} within {timeout.TotalSeconds:0} s:\n{Tail()}");
            }

            await Task.WhenAny(found.Task, Task.Delay(200, ct)).ConfigureAwait(false);
        }

        return await found.Task.ConfigureAwait(false);
    }

    /// <summary>Resident set size (VmRSS) of the process in KiB, from /proc.</summary>
    public long RssKiB()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"/proc/{Pid}/status has no VmRSS");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills every child still running (process exit, Ctrl+C): the last resort behind <see cref="DisposeAsync"/>.</summary>
    public static void KillAll()
    {
        foreach (var child in Alive.Keys)
        {
            child.Kill();
        }
    }

    /// <summary>
    /// SIGTERM (the process's normal shutdown), then a kill when it has not exited within <paramref name="grace"/>.
    /// Returns whether it exited by itself, and its exit code.
    /// </summary>
    public async Task<(bool Graceful, int ExitCode)> StopAsync(TimeSpan grace, CancellationToken ct)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) } })
                ?? throw new InvalidOperationException("could not run kill -TERM");
            await kill.WaitForExitAsync(ct).ConfigureAwait(false);
        }

        var graceful = true;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(grace);
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                graceful = false;
            }
        }

        if (!graceful)
        {
            Kill();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }

        return (graceful, _process.ExitCode);
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // the log was closed while the process still wrote
            }

            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }

            for (var i = _watchers.Count - 1; i >= 0; i--)
            {
                if (_watchers[i].Match(line))
                {
                    _watchers[i].Found.TrySetResult(line);
                    _watchers.RemoveAt(i);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // killed; the kernel reaps it
            }
        }

        Alive.TryRemove(this, out _);
        _process.Dispose();
        lock (_tail)
        {
            _log.Dispose();
        }
    }
}
