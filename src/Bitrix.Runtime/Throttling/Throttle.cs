using Microsoft.Extensions.Logging;

namespace Bitrix.Throttling;

/// <summary>
/// Decides when a request may go: slow scopes, a concurrency slot, the operating budget of each
/// method it carries, then the portal's bucket — and hands every answer to what learns from it.
/// Each wait has a reason, logged, measured and shown in progress reports.
/// </summary>
internal sealed class Throttle : IWaitReasonSource
{
    /// <summary>How long a method stays blocked after a 429 that gave no reset time.</summary>
    public static readonly TimeSpan DefaultOperatingPause = OperatingBudgetMirror.DefaultPause;

    private readonly AdaptiveConcurrency _concurrency;
    private readonly WaitTracker _waits;
    private readonly OperatingBudgetMirror _operating;
    private readonly BucketMirror _bucket;

    /// <param name="store">Where the portal's limits are shared with other clients.</param>
    /// <param name="portal">The key the portal's limits are kept under, read at each use so that it follows the portal when it moves.</param>
    /// <param name="identity">Whose operating budget calls draw on.</param>
    /// <param name="plan">The portal's bucket.</param>
    /// <param name="operatingLimit">The server seconds a method may use in a window.</param>
    /// <param name="maxConcurrency">The most requests in flight at once.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where waits are logged.</param>
    /// <param name="maxServerWait">The longest reset a call waits for (10 minutes unless given).</param>
    public Throttle(IRateLimitStore store, Func<string> portal, string identity, RateLimitPlan plan, double operatingLimit, int maxConcurrency, TimeProvider time, ILogger logger, TimeSpan? maxServerWait = null)
    {
        _concurrency = new AdaptiveConcurrency(maxConcurrency);
        _waits = new WaitTracker(time);
        _operating = new OperatingBudgetMirror(store, portal, identity, operatingLimit, maxConcurrency, maxServerWait ?? TimeSpan.FromMinutes(10), time, _waits, logger);
        _bucket = new BucketMirror(store, portal, plan, time, _waits);
    }

    /// <summary>What requests are waiting for right now, if anything: operating budget, bucket, backoff, slow scope.</summary>
    public string? CurrentWaitReason => _waits.CurrentWaitReason;

    public async ValueTask<IDisposable> AcquireAsync(IReadOnlyCollection<string> methods, CancellationToken cancellationToken)
    {
        var held = new List<IDisposable>(4);
        try
        {
            foreach (var scope in SlowScope.Active(this))
            {
                using (Waiting(WaitReasons.SlowScope))
                {
                    if (await scope.EnterAsync(cancellationToken).ConfigureAwait(false) is { } slot)
                    {
                        held.Add(slot);
                    }
                }
            }

            // The budget is checked while holding a concurrency slot, so that calls queued for a
            // slot cannot slip past a block that began while they queued; a blocked method gives
            // its slot back while it waits, so other methods keep their speed.
            while (true)
            {
                var concurrency = await _concurrency.EnterAsync(cancellationToken).ConfigureAwait(false);
                var (blocker, probes) = await _operating.CheckAsync(methods, cancellationToken).ConfigureAwait(false);
                if (blocker is null)
                {
                    held.AddRange(probes);
                    held.Add(concurrency);
                    break;
                }

                concurrency.Dispose();
                await blocker(cancellationToken).ConfigureAwait(false);
            }

            var takenAt = await _bucket.TakeAsync(cancellationToken).ConfigureAwait(false);
            return new Lease(held, takenAt);
        }
        catch
        {
            new Lease(held).Dispose();
            throw;
        }
    }

    /// <summary>A server answer: feeds the operating budget mirror.</summary>
    public ValueTask OnAnswerAsync(string method, BitrixTime? time, CancellationToken cancellationToken)
        => _operating.OnAnswerAsync(method, time, cancellationToken);

    /// <summary>Learns how long requests take from their bucket take to their answer (an upper bound of their transit).</summary>
    public void OnAnswered(IDisposable lease)
    {
        if (lease is Lease { TakenAt: var takenAt })
        {
            _bucket.OnAnswered(takenAt);
        }
    }

    public void OnCleanAnswer() => _concurrency.Succeeded();

    public ValueTask OnBucketRefusalAsync(CancellationToken cancellationToken)
    {
        _concurrency.Struggled();
        return _bucket.OnRefusalAsync(cancellationToken);
    }

    public ValueTask OnOperatingRefusalAsync(string method, CancellationToken cancellationToken)
        => _operating.OnRefusalAsync(method, cancellationToken);

    public void OnTransientError() => _concurrency.Struggled();

    /// <summary>Marks a wait: counted for <see cref="CurrentWaitReason"/> while it lasts, measured when it ends.</summary>
    public WaitTicket Waiting(string reason) => _waits.Waiting(reason);

    private sealed class Lease(List<IDisposable> held, long takenAt = 0) : IDisposable
    {
        public long TakenAt { get; } = takenAt;

        public void Dispose()
        {
            for (var i = held.Count - 1; i >= 0; i--)
            {
                held[i].Dispose();
            }

            held.Clear();
        }
    }
}
