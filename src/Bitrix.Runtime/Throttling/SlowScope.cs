namespace Bitrix.Throttling;

/// <summary>
/// A scope of lowered limits (<see cref="BitrixClient.Slow"/>). It flows with the async context
/// (across awaits, not to other callers); nested scopes each apply, so the strictest wins.
/// </summary>
internal sealed class SlowScope : IDisposable
{
    private static readonly AsyncLocal<SlowScope?> CurrentScope = new();
    private readonly SemaphoreSlim? _concurrency;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly object _owner;
    private long _nextAllowed;
    private bool _disposed;

    public SlowScope(object owner, int? maxConcurrency, double? requestsPerSecond, TimeProvider time)
    {
        if (maxConcurrency is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxConcurrency), maxConcurrency, "At least one request must be allowed in flight.");
        }

        if (requestsPerSecond is <= 0 || (requestsPerSecond is { } r && double.IsNaN(r)))
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "The rate must be positive.");
        }

        _owner = owner;
        _time = time;
        _concurrency = maxConcurrency is { } m ? new SemaphoreSlim(m, m) : null;
        _interval = requestsPerSecond is { } rps ? TimeSpan.FromSeconds(1 / rps) : TimeSpan.Zero;
        Parent = CurrentScope.Value;
        CurrentScope.Value = this;
    }

    public SlowScope? Parent { get; }

    /// <summary>The scopes in force in this async context for the calls limited by <paramref name="owner"/> (a client's throttle), innermost first.</summary>
    public static IEnumerable<SlowScope> Active(object owner)
    {
        for (var scope = CurrentScope.Value; scope is not null; scope = scope.Parent)
        {
            if (!scope._disposed && ReferenceEquals(scope._owner, owner))
            {
                yield return scope;
            }
        }
    }

    /// <summary>Waits for this scope's pace and a concurrency slot; the slot is returned by disposing the result.</summary>
    public async ValueTask<IDisposable?> EnterAsync(CancellationToken cancellationToken)
    {
        if (_interval > TimeSpan.Zero)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = _time.GetTimestamp();
                var slot = Math.Max(now, _nextAllowed);
                _nextAllowed = slot + (long)(_interval.TotalSeconds * _time.TimestampFrequency);
                wait = _time.GetElapsedTime(now, slot);
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }

        if (_concurrency is null)
        {
            return null;
        }

        await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_concurrency);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // Restores the enclosing scope even when scopes are disposed out of order.
        if (ReferenceEquals(CurrentScope.Value, this))
        {
            CurrentScope.Value = Parent;
        }
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
