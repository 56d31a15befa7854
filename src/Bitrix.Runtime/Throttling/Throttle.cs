using System.Collections.Concurrent;
using Bitrix.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Bitrix.Throttling;

/// <summary>
/// Decides when a request may go: slow scopes, the operating budget of each method it carries,
/// a concurrency slot and the portal's bucket mirror — and learns from every answer. Each wait
/// has a reason, logged, measured and shown in progress reports.
/// </summary>
internal sealed class Throttle : IWaitReasonSource
{
    /// <summary>How long a method stays blocked after a 429 that gave no reset time.</summary>
    public static readonly TimeSpan DefaultOperatingPause = TimeSpan.FromSeconds(10);

    private readonly IRateLimitStore _store;
    private readonly string _portal;
    private readonly string _identity;
    private readonly RateLimitPlan _plan;
    private readonly double _operatingLimit;
    private readonly AdaptiveConcurrency _concurrency;
    private readonly int _maxConcurrency;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxServerWait;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _probes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, double> _averageCost = new(StringComparer.OrdinalIgnoreCase);
    private readonly int[] _waiting = new int[WaitReasons.All.Length];
    private long _transitTicks;

    public Throttle(IRateLimitStore store, string portal, string identity, RateLimitPlan plan, double operatingLimit, int maxConcurrency, TimeProvider time, ILogger logger, TimeSpan? maxServerWait = null)
    {
        _maxServerWait = maxServerWait ?? TimeSpan.FromMinutes(10);
        _store = store;
        _portal = portal;
        _identity = identity;
        _plan = plan;
        _operatingLimit = operatingLimit;
        _maxConcurrency = maxConcurrency;
        _concurrency = new AdaptiveConcurrency(maxConcurrency);
        _time = time;
        _logger = logger;
    }

    /// <summary>What requests are waiting for right now, if anything: operating budget, bucket, backoff, slow scope.</summary>
    public string? CurrentWaitReason
    {
        get
        {
            for (var i = 0; i < _waiting.Length; i++)
            {
                if (Volatile.Read(ref _waiting[i]) > 0)
                {
                    return WaitReasons.All[i];
                }
            }

            return null;
        }
    }

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
                var (blocker, probes) = await CheckOperatingAsync(methods, cancellationToken).ConfigureAwait(false);
                if (blocker is null)
                {
                    held.AddRange(probes);
                    held.Add(concurrency);
                    break;
                }

                concurrency.Dispose();
                await blocker(cancellationToken).ConfigureAwait(false);
            }

            var takenAt = await TakeFromBucketAsync(cancellationToken).ConfigureAwait(false);
            return new Lease(held, takenAt);
        }
        catch
        {
            new Lease(held).Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks each method's operating budget without waiting. Either all may go (with a probe
    /// lease for a method whose window moved on unseen), or the returned wait must pass first.
    /// </summary>
    private async ValueTask<(Func<CancellationToken, Task>? Blocker, List<IDisposable> Probes)> CheckOperatingAsync(IReadOnlyCollection<string> methods, CancellationToken cancellationToken)
    {
        var probes = new List<IDisposable>();
        foreach (var method in methods)
        {
            var snapshot = await _store.GetOperatingAsync(_portal, OperatingKey(method), cancellationToken).ConfigureAwait(false);
            if (snapshot is null || snapshot.OperatingSeconds < _operatingLimit - Reserve(method))
            {
                continue;
            }

            var now = _time.GetUtcNow();

            // operating_reset_at comes in whole seconds, possibly rounded down: wake a second later.
            if (snapshot.ResetAt?.AddSeconds(1) is { } resetAt && resetAt > now)
            {
                Release(probes);
                return (ct => WaitForResetAsync(method, snapshot, resetAt - now, ct), []);
            }

            // The window moved on but nobody has seen how much budget it freed: one call finds out.
            var probe = _probes.GetOrAdd(method, _ => new SemaphoreSlim(1, 1));
            if (!probe.Wait(0, CancellationToken.None))
            {
                Release(probes);
                return (async ct =>
                {
                    await probe.WaitAsync(ct).ConfigureAwait(false);
                    probe.Release();
                }, []);
            }

            probes.Add(new ProbeLease(probe));
        }

        return (null, probes);
    }

    private static void Release(List<IDisposable> probes)
    {
        foreach (var probe in probes)
        {
            probe.Dispose();
        }

        probes.Clear();
    }

    /// <summary>
    /// Waits for a method's reset, as long as the server's reset time is within the longest wait
    /// allowed. One further away fails the call, not sent, and the block is cut to that longest
    /// wait, so that a wrong or hostile reset time cannot shut the method off for good.
    /// </summary>
    private async Task WaitForResetAsync(string method, OperatingSnapshot snapshot, TimeSpan wait, CancellationToken cancellationToken)
    {
        // The wait carries a second's margin for the rounding of reset times; the bound is on the server's own.
        if (wait - TimeSpan.FromSeconds(1) > _maxServerWait)
        {
            var now = _time.GetUtcNow();
            await _store.ReportOperatingAsync(_portal, OperatingKey(method), snapshot with { ResetAt = now + _maxServerWait, ReportedAt = now }, cancellationToken).ConfigureAwait(false);
            throw new BitrixException(
                BitrixErrorCodes.ServerWaitTooLong,
                $"The portal blocked {method} for {(wait - TimeSpan.FromSeconds(1)).TotalSeconds:0} s (its operating budget resets at {snapshot.ResetAt:u}), longer than the longest wait allowed ({_maxServerWait.TotalSeconds:0} s, BitrixClientOptions.MaxServerWait): the call was not sent.",
                null,
                method);
        }

        using (Waiting(WaitReasons.Operating))
        {
            Log.OperatingWait(_logger, method, snapshot.OperatingSeconds, wait.TotalSeconds);
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reserves the next request of the bucket mirror and waits for its turn; returns when it may leave (transit starts there).</summary>
    private async ValueTask<long> TakeFromBucketAsync(CancellationToken cancellationToken)
    {
        var headroom = LeakyBucketMath.Headroom(_plan, TimeSpan.FromTicks(Interlocked.Read(ref _transitTicks)));
        var reserving = _time.GetTimestamp();
        var wait = await _store.ReserveAsync(_portal, _plan, headroom, cancellationToken).ConfigureAwait(false);
        if (wait > TimeSpan.Zero)
        {
            using (Waiting(WaitReasons.Bucket))
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);

                // Transit grew while this request waited its turn: it waits for the extra headroom too.
                var grown = LeakyBucketMath.Headroom(_plan, TimeSpan.FromTicks(Interlocked.Read(ref _transitTicks))) - headroom;
                if (grown > 0)
                {
                    var extra = TimeSpan.FromSeconds(grown / _plan.DrainPerSecond);
                    await Task.Delay(extra, _time, cancellationToken).ConfigureAwait(false);
                    wait += extra;
                }
            }
        }

        // The slot's nominal time: the store's round trip and any oversleep count as transit.
        return reserving + (long)(wait.TotalSeconds * _time.TimestampFrequency);
    }

    /// <summary>A server answer: feeds the operating budget mirror and the concurrency controller.</summary>
    public async ValueTask OnAnswerAsync(string method, BitrixTime? time, CancellationToken cancellationToken)
    {
        if (time?.Processing is { } processing)
        {
            _averageCost.AddOrUpdate(method, processing, (_, old) => old * 0.8 + processing * 0.2);
        }

        if (time?.Operating is { } operating)
        {
            var snapshot = new OperatingSnapshot(operating, time.OperatingResetAt, _time.GetUtcNow());
            await _store.ReportOperatingAsync(_portal, OperatingKey(method), snapshot, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Learns how long requests take from their bucket take to their answer (an upper bound of their transit).</summary>
    public void OnAnswered(IDisposable lease)
    {
        if (lease is Lease { TakenAt: var takenAt })
        {
            OnRoundTrip(_time.GetElapsedTime(takenAt));
        }
    }

    private void OnRoundTrip(TimeSpan roundTrip)
    {
        var old = Interlocked.Read(ref _transitTicks);
        var next = old == 0 ? roundTrip.Ticks : (long)(old * 0.9 + roundTrip.Ticks * 0.1);
        Interlocked.Exchange(ref _transitTicks, Math.Max(roundTrip.Ticks, next));
    }

    public void OnCleanAnswer() => _concurrency.Succeeded();

    public async ValueTask OnBucketRefusalAsync(CancellationToken cancellationToken)
    {
        BitrixMetrics.Refusals.Add(1, new KeyValuePair<string, object?>("code", BitrixErrorCodes.QueryLimitExceeded));
        _concurrency.Struggled();
        await _store.MarkFullAsync(_portal, _plan, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask OnOperatingRefusalAsync(string method, CancellationToken cancellationToken)
    {
        BitrixMetrics.Refusals.Add(1, new KeyValuePair<string, object?>("code", BitrixErrorCodes.OperationTimeLimit));
        var known = await _store.GetOperatingAsync(_portal, OperatingKey(method), cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var resetAt = known?.ResetAt is { } r && r > now ? r : now + DefaultOperatingPause;
        await _store.ReportOperatingAsync(_portal, OperatingKey(method), new OperatingSnapshot(_operatingLimit, resetAt, now), cancellationToken).ConfigureAwait(false);
    }

    public void OnTransientError() => _concurrency.Struggled();

    public async ValueTask BackOffAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using (Waiting(WaitReasons.Backoff))
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Marks a wait: counted for <see cref="CurrentWaitReason"/> while it lasts, measured when it ends.</summary>
    public WaitTicket Waiting(string reason) => new(this, reason);

    /// <summary>Budget kept free so that calls already in flight cannot push the method over its limit.</summary>
    private double Reserve(string method)
        => Math.Max(_operatingLimit * 0.02, _averageCost.GetValueOrDefault(method, 0.05) * _maxConcurrency * 2);

    private string OperatingKey(string method) => _identity + "|" + method;

    /// <summary>One wait in progress.</summary>
    internal sealed class WaitTicket : IDisposable
    {
        private readonly Throttle _owner;
        private readonly string _reason;
        private readonly int _index;
        private readonly long _started;
        private int _done;

        public WaitTicket(Throttle owner, string reason)
        {
            _owner = owner;
            _reason = reason;
            _index = Array.IndexOf(WaitReasons.All, reason);
            _started = owner._time.GetTimestamp();
            Interlocked.Increment(ref owner._waiting[_index]);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
            {
                return;
            }

            Interlocked.Decrement(ref _owner._waiting[_index]);
            var seconds = _owner._time.GetElapsedTime(_started).TotalSeconds;
            if (seconds > 0)
            {
                BitrixMetrics.Waits.Record(seconds, new KeyValuePair<string, object?>("reason", _reason));
            }
        }
    }

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

    private sealed class ProbeLease(SemaphoreSlim probe) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                probe.Release();
            }
        }
    }
}

/// <summary>Why a request waited.</summary>
internal static class WaitReasons
{
    public const string Bucket = "bucket";
    public const string Operating = "operating budget";
    public const string Backoff = "backoff";
    public const string SlowScope = "slow scope";

    /// <summary>In the order <see cref="Throttle.CurrentWaitReason"/> reports them.</summary>
    public static readonly string[] All = [Operating, Bucket, Backoff, SlowScope];
}
