namespace StatefulSpot.Grains.Ec2.Gateway;

/// <summary>
/// A token bucket whose waiters are served in order of (priority, deadline, arrival) rather than first come, first
/// served. A call takes one token; tokens refill continuously at <see cref="RefillPerSecond"/> up to
/// <see cref="Capacity"/>. A waiter gives up after its longest wait, without taking a token.
/// </summary>
public sealed class PriorityTokenBucket : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly PriorityQueue<Waiter, (int Priority, long Deadline, long Sequence)> _waiters = new();
    private double _tokens;
    private long _refilledAt;
    private long _sequence;
    private long _taken;
    private ITimer? _timer;

    public PriorityTokenBucket(double capacity, double refillPerSecond, TimeProvider time)
    {
        Validate(capacity, refillPerSecond);
        _time = time;
        Capacity = capacity;
        RefillPerSecond = refillPerSecond;
        _tokens = capacity;
        _refilledAt = time.GetTimestamp();
    }

    public double Capacity { get; private set; }

    public double RefillPerSecond { get; private set; }

    /// <summary>Tokens taken since the bucket was made: with <see cref="Waiting"/>, the demand on it.</summary>
    public long Taken
    {
        get
        {
            lock (_lock)
            {
                return _taken;
            }
        }
    }

    /// <summary>Callers waiting for a token.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Waits for a token; throws <see cref="Ec2BudgetExhaustedException"/> after <paramref name="maxWait"/>.</summary>
    public Task AcquireAsync(Ec2CallPriority priority, long deadlineTicks, TimeSpan maxWait, string action, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            Refill();
            if (_waiters.Count == 0 && _tokens >= 1)
            {
                _tokens -= 1;
                _taken++;
                return Task.CompletedTask;
            }

            waiter = new Waiter();
            _waiters.Enqueue(waiter, ((int)priority, deadlineTicks, _sequence++));
            Pump();
        }

        return WaitAsync(waiter, maxWait, action, cancellationToken);
    }

    /// <summary>Empties the bucket: EC2 throttled us anyway (another tool shares the account's budget), so slow down.</summary>
    public void Drain()
    {
        lock (_lock)
        {
            Refill();
            _tokens = Math.Min(_tokens, 0);
        }
    }

    /// <summary>Changes the size (the share of the account's budget, or the number of silos, changed).</summary>
    public void Resize(double capacity, double refillPerSecond)
    {
        Validate(capacity, refillPerSecond);
        lock (_lock)
        {
            Refill();
            Capacity = capacity;
            RefillPerSecond = refillPerSecond;
            _tokens = Math.Min(_tokens, capacity);
            Pump();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private async Task WaitAsync(Waiter waiter, TimeSpan maxWait, string action, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(maxWait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        await using (linked.Token.Register(() =>
        {
            if (waiter.TryAbandon())
            {
                waiter.Completion.TrySetCanceled();
            }
        }))
        {
            try
            {
                await waiter.Completion.Task;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new Ec2BudgetExhaustedException(action, maxWait);
            }
        }
    }

    /// <summary>Serves waiters while there are tokens, then sets the timer for the next token. Called under the lock.</summary>
    private void Pump()
    {
        Refill();
        while (_waiters.TryPeek(out var next, out _))
        {
            if (next.Abandoned)
            {
                _waiters.Dequeue();
                continue;
            }

            if (_tokens < 1)
            {
                break;
            }

            _waiters.Dequeue();
            if (next.TryGrant())
            {
                _tokens -= 1;
                _taken++;
                next.Completion.TrySetResult();
            }
        }

        if (_waiters.Count == 0)
        {
            return;
        }

        var due = TimeSpan.FromSeconds(Math.Max(0.001, (1 - _tokens) / RefillPerSecond));
        _timer ??= _time.CreateTimer(_ =>
        {
            lock (_lock)
            {
                Pump();
            }
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_refilledAt, now).TotalSeconds;
        _refilledAt = now;
        _tokens = Math.Min(Capacity, _tokens + (elapsed * RefillPerSecond));
    }

    private static void Validate(double capacity, double refillPerSecond)
    {
        if (!(capacity >= 1) || !double.IsFinite(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A bucket holds at least one token.");
        }

        if (!(refillPerSecond > 0) || !double.IsFinite(refillPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(refillPerSecond), refillPerSecond, "A bucket refills at a positive rate.");
        }
    }

    private sealed class Waiter
    {
        private const int Pending = 0, Granted = 1, Gone = 2;
        private int _state;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Abandoned => Volatile.Read(ref _state) == Gone;

        public bool TryGrant() => Interlocked.CompareExchange(ref _state, Granted, Pending) == Pending;

        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Gone, Pending) == Pending;
    }
}

/// <summary>
/// A call waited its longest for the silo's share of EC2's API budget. Like EC2's own RequestLimitExceeded, it is a
/// throttle: the saga waits it out and never counts it as a failed attempt.
/// </summary>
public sealed class Ec2BudgetExhaustedException(string action, TimeSpan waited)
    : Exception($"waiting for EC2's API budget for {action} (queued {waited.TotalSeconds:0.#} s behind calls of higher priority or earlier deadline)")
{
    public string Action { get; } = action;
}
