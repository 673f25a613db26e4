using Amazon.EC2;

namespace StatefulSpot.Grains.Ec2.Gateway;

/// <summary>
/// Coalesces describes by id from many grains into one EC2 call: requests arriving within the window (and while the
/// call waits for its budget token) share the next call, and each caller gets back only the items it asked for.
/// An id EC2 does not know (or rejects as malformed) fails only the callers that asked for it. A throttle reaches
/// every caller of the call as a throttle, which the saga waits out.
/// </summary>
public sealed class DescribeBatcher<TItem>
{
    private readonly Lock _lock = new();
    private readonly List<Request> _pending = [];
    private readonly string _action;
    private readonly Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<TItem>>> _describe;
    private readonly Func<TItem, string> _idOf;
    private readonly Func<PriorityTokenBucket> _bucket;
    private readonly Ec2GatewayOptions _options;
    private readonly TimeProvider _time;
    private bool _flushing;

    public DescribeBatcher(string action, Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<TItem>>> describe,
        Func<TItem, string> idOf, Func<PriorityTokenBucket> bucket, Ec2GatewayOptions options, TimeProvider time)
    {
        _action = action;
        _describe = describe;
        _idOf = idOf;
        _bucket = bucket;
        _options = options;
        _time = time;
    }

    /// <summary>The items of <paramref name="ids"/>, described together with whatever other grains ask for now.</summary>
    public async Task<IReadOnlyList<TItem>> DescribeAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var request = new Request(ids, Ec2CallContext.Priority, Ec2CallContext.DeadlineTicks);
        bool start;
        lock (_lock)
        {
            _pending.Add(request);
            start = !_flushing;
            _flushing = true;
        }

        if (start)
        {
            // The flush loop belongs to the silo, not to the grain that happened to ask first: off the grain's scheduler.
            _ = Task.Factory.StartNew(FlushAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default).Unwrap();
        }

        try
        {
            return await request.Completion.Task.WaitAsync(_options.MaxQueueWait + _options.CoalesceWindow, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Given up: the ids are not described for nobody when the budget comes.
            request.Completion.TrySetCanceled(CancellationToken.None);
            throw new Ec2BudgetExhaustedException(_action, _options.MaxQueueWait);
        }
        catch (OperationCanceledException)
        {
            request.Completion.TrySetCanceled(CancellationToken.None);
            throw;
        }
    }

    private async Task FlushAsync()
    {
        if (_options.CoalesceWindow > TimeSpan.Zero)
        {
            await Task.Delay(_options.CoalesceWindow, _time).ConfigureAwait(false);
        }

        while (true)
        {
            Request first;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _flushing = false;
                    return;
                }

                first = _pending.MinBy(r => (r.Priority, r.Deadline))!;
            }

            try
            {
                await AcquireForAsync(first).ConfigureAwait(false);
            }
            catch (Ec2BudgetExhaustedException)
            {
                continue;
            }

            var batch = TakeBatch();
            _ = ExecuteAsync(batch);
        }
    }

    /// <summary>The most urgent pending requests, up to the id limit.</summary>
    private List<Request> TakeBatch()
    {
        lock (_lock)
        {
            var batch = new List<Request>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            _pending.RemoveAll(r => r.Completion.Task.IsCompleted);
            foreach (var request in _pending.OrderBy(r => (r.Priority, r.Deadline)).ToList())
            {
                if (batch.Count > 0 && ids.Count + request.Ids.Count > _options.MaxIdsPerCall)
                {
                    break;
                }

                batch.Add(request);
                ids.UnionWith(request.Ids);
                _pending.Remove(request);
            }

            return batch;
        }
    }

    private async Task ExecuteAsync(List<Request> batch)
    {
        // Bounded: each round either answers every caller or removes the ids EC2 named as unknown.
        for (var round = 0; batch.Count > 0 && round <= _options.MaxIdsPerCall; round++)
        {
            var ids = batch.SelectMany(r => r.Ids).Distinct(StringComparer.Ordinal).ToList();
            try
            {
                var items = await _describe(ids, CancellationToken.None).ConfigureAwait(false);
                var byId = items.GroupBy(_idOf, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
                foreach (var request in batch)
                {
                    request.Completion.TrySetResult([.. request.Ids.Where(byId.ContainsKey).Select(id => byId[id])]);
                }

                return;
            }
            catch (AmazonEC2Exception exception) when (batch.Count > 1 && Ec2Errors.Classify(exception) is Ec2ErrorKind.NotFound or Ec2ErrorKind.InvalidRequest)
            {
                // One caller's unknown or malformed id fails EC2's whole call: find whose, and answer the others.
                var unknown = ids.Where(id => Names(exception.Message, id)).ToHashSet(StringComparer.Ordinal);
                if (unknown.Count == 0)
                {
                    // EC2 did not say which id: each caller on its own, so that only the one who asked for it hears of it.
                    foreach (var request in batch)
                    {
                        await AcquireForAsync(request).ConfigureAwait(false);
                        await ExecuteAsync([request]).ConfigureAwait(false);
                    }

                    return;
                }

                foreach (var request in batch.Where(r => r.Ids.Any(unknown.Contains)).ToList())
                {
                    request.Completion.TrySetException(exception);
                    batch.Remove(request);
                }

                if (batch.Count > 0)
                {
                    await AcquireForAsync(batch[0]).ConfigureAwait(false);
                }
            }
            catch (Exception exception)
            {
                if (Ec2Errors.Classify(exception) == Ec2ErrorKind.Throttled)
                {
                    _bucket().Drain();
                }

                foreach (var request in batch)
                {
                    request.Completion.TrySetException(exception);
                }

                return;
            }
        }
    }

    /// <summary>Whether an EC2 error message names the id (as a whole word: i-0abc is not named by i-0abcdef).</summary>
    private static bool Names(string message, string id)
    {
        for (var at = message.IndexOf(id, StringComparison.Ordinal); at >= 0; at = message.IndexOf(id, at + 1, StringComparison.Ordinal))
        {
            var end = at + id.Length;
            if ((at == 0 || !char.IsLetterOrDigit(message[at - 1])) && (end == message.Length || !char.IsLetterOrDigit(message[end])))
            {
                return true;
            }
        }

        return false;
    }

    private Task AcquireForAsync(Request request) =>
        _bucket().AcquireAsync(request.Priority, request.Deadline, TimeSpan.FromMinutes(10), _action, CancellationToken.None);

    private sealed record Request(IReadOnlyList<string> Ids, Ec2CallPriority Priority, long Deadline)
    {
        public TaskCompletionSource<IReadOnlyList<TItem>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
