using System.Collections.Concurrent;
using Bitrix.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Bitrix.Throttling;

/// <summary>
/// This client's view of the operating budget of each method (the server seconds it may use in a
/// sliding window), kept in the shared <see cref="IRateLimitStore"/> under the caller's identity:
/// answers report what a method used, a method near its limit waits for the window's reset, and
/// one call finds out what a window that moved on unseen has freed.
/// </summary>
/// <param name="store">Where the budgets are shared.</param>
/// <param name="portal">The key of the portal, read at each use: it follows the portal when it moves.</param>
/// <param name="identity">Whose budget calls draw on (the server keeps one per webhook or application).</param>
/// <param name="operatingLimit">The server seconds a method may use in a window.</param>
/// <param name="maxConcurrency">The most requests in flight at once, which the reserve must cover.</param>
/// <param name="maxServerWait">The longest reset a call waits for; a later one fails the call.</param>
/// <param name="clock">The clock.</param>
/// <param name="waits">Where waits for a reset are counted.</param>
/// <param name="logger">Where waits for a reset are logged.</param>
internal sealed class OperatingBudgetMirror(IRateLimitStore store, Func<string> portal, string identity, double operatingLimit, int maxConcurrency, TimeSpan maxServerWait, TimeProvider clock, WaitTracker waits, ILogger logger)
{
    /// <summary>How long a method stays blocked after a refusal that gave no reset time.</summary>
    public static readonly TimeSpan DefaultPause = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _probes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, double> _averageCost = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Checks each method's operating budget without waiting. Either all may go (with a probe
    /// lease for a method whose window moved on unseen, to be disposed when its answer has been
    /// learnt), or the returned wait must pass first.
    /// </summary>
    public async ValueTask<(Func<CancellationToken, Task>? Blocker, List<IDisposable> Probes)> CheckAsync(IReadOnlyCollection<string> methods, CancellationToken cancellationToken)
    {
        var probes = new List<IDisposable>();
        foreach (var method in methods)
        {
            var snapshot = await store.GetOperatingAsync(portal(), Key(method), cancellationToken).ConfigureAwait(false);
            if (snapshot is null || snapshot.OperatingSeconds < operatingLimit - Reserve(method))
            {
                continue;
            }

            var now = clock.GetUtcNow();

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

    /// <summary>An answer's timing: feeds the method's average cost and, when it says so, its budget used.</summary>
    public async ValueTask OnAnswerAsync(string method, BitrixTime? time, CancellationToken cancellationToken)
    {
        if (time?.Processing is { } processing)
        {
            _averageCost.AddOrUpdate(method, processing, (_, old) => old * 0.8 + processing * 0.2);
        }

        if (time?.Operating is { } operating)
        {
            var snapshot = new OperatingSnapshot(operating, time.OperatingResetAt, clock.GetUtcNow());
            await store.ReportOperatingAsync(portal(), Key(method), snapshot, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The portal refused <paramref name="method"/> for its budget: it is blocked until the known reset, or for <see cref="DefaultPause"/>.</summary>
    public async ValueTask OnRefusalAsync(string method, CancellationToken cancellationToken)
    {
        BitrixMetrics.Refusals.Add(1, new KeyValuePair<string, object?>("code", BitrixErrorCodes.OperationTimeLimit));
        var host = portal();
        var known = await store.GetOperatingAsync(host, Key(method), cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var resetAt = known?.ResetAt is { } r && r > now ? r : now + DefaultPause;
        await store.ReportOperatingAsync(host, Key(method), new OperatingSnapshot(operatingLimit, resetAt, now), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Budget kept free so that calls already in flight cannot push the method over its limit.</summary>
    public double Reserve(string method)
        => Math.Max(operatingLimit * 0.02, _averageCost.GetValueOrDefault(method, 0.05) * maxConcurrency * 2);

    /// <summary>The name a method's budget is kept under: the server keeps one per identity and method.</summary>
    public string Key(string method) => identity + "|" + method;

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
        if (wait - TimeSpan.FromSeconds(1) > maxServerWait)
        {
            var now = clock.GetUtcNow();
            await store.ReportOperatingAsync(portal(), Key(method), snapshot with { ResetAt = now + maxServerWait, ReportedAt = now }, cancellationToken).ConfigureAwait(false);
            throw new BitrixException(
                BitrixErrorCodes.ServerWaitTooLong,
                $"The portal blocked {method} for {(wait - TimeSpan.FromSeconds(1)).TotalSeconds:0} s (its operating budget resets at {snapshot.ResetAt:u}), longer than the longest wait allowed ({maxServerWait.TotalSeconds:0} s, BitrixClientOptions.MaxServerWait): the call was not sent.",
                null,
                method);
        }

        using (waits.Waiting(WaitReasons.Operating))
        {
            Log.OperatingWait(logger, method, snapshot.OperatingSeconds, wait.TotalSeconds);
            await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
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
