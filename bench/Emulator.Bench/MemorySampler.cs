using System.Diagnostics;

namespace StatefulSpot.Emulator.Bench;

/// <summary>Samples the process's working set every <c>interval</c>: the peak since the last <see cref="StartPhase"/> and overall.</summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _phasePeak;
    private long _overallPeak;

    public MemorySampler(TimeSpan interval)
    {
        Sample();
        _loop = LoopAsync(interval);
    }

    /// <summary>Peak working set since the last <see cref="StartPhase"/>, in bytes.</summary>
    public long PhasePeak
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _phasePeak);
        }
    }

    /// <summary>Peak working set of the whole run: the larger of the samples and the kernel's high-water mark (VmHWM).</summary>
    public long OverallPeak
    {
        get
        {
            Sample();
            lock (_process)
            {
                _process.Refresh();
                return Math.Max(Interlocked.Read(ref _overallPeak), _process.PeakWorkingSet64);
            }
        }
    }

    public void StartPhase()
    {
        Sample();
        lock (_process)
        {
            Interlocked.Exchange(ref _phasePeak, _process.WorkingSet64);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        _stop.Dispose();
        _process.Dispose();
    }

    private async Task LoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            Sample();
        }
    }

    private void Sample()
    {
        long current;
        lock (_process)
        {
            _process.Refresh();
            current = _process.WorkingSet64;
        }

        Max(ref _phasePeak, current);
        Max(ref _overallPeak, current);
    }

    private static void Max(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
            // retry
        }
    }
}
