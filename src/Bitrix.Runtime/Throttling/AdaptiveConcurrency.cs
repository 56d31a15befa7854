namespace Bitrix.Throttling;

/// <summary>
/// Requests in flight, with a limit that adapts: it halves on refusals and transient errors and
/// grows by one after a run of clean answers, between 1 and the configured maximum (AIMD).
/// </summary>
internal sealed class AdaptiveConcurrency
{
    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private readonly int _max;
    private int _limit;
    private int _inFlight;
    private int _cleanAnswers;

    public AdaptiveConcurrency(int max)
    {
        _max = max;
        _limit = max;
    }

    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource? waiter = null;
        lock (_gate)
        {
            if (_inFlight < _limit)
            {
                _inFlight++;
                return new Slot(this);
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }

        using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            await waiter.Task.ConfigureAwait(false);
        }

        return new Slot(this);
    }

    public void Succeeded()
    {
        lock (_gate)
        {
            if (++_cleanAnswers >= _limit && _limit < _max)
            {
                _limit++;
                _cleanAnswers = 0;
                WakeLocked();
            }
        }
    }

    public void Struggled()
    {
        lock (_gate)
        {
            _limit = Math.Max(1, _limit / 2);
            _cleanAnswers = 0;
        }
    }

    private void Exit()
    {
        lock (_gate)
        {
            _inFlight--;
            WakeLocked();
        }
    }

    private void WakeLocked()
    {
        while (_inFlight < _limit && _waiters.Count > 0)
        {
            var next = _waiters.Dequeue();
            if (next.TrySetResult())
            {
                _inFlight++;
            }
        }
    }

    private sealed class Slot(AdaptiveConcurrency owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Exit();
            }
        }
    }
}
