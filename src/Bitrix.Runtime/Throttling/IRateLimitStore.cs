namespace Bitrix;

/// <summary>
/// Where the client keeps its mirror of a portal's limits. Every client of one portal that uses
/// the same store shares one bucket and one operating budget per method: the in-memory store
/// shares them within a process, a Redis store (package Bitrix.Redis) across processes and hosts.
/// </summary>
public interface IRateLimitStore
{
    /// <summary>
    /// Reserves the next request of <paramref name="portal"/>'s bucket mirror and returns how long
    /// the caller must wait before sending it: zero while the counter is below capacity −
    /// <paramref name="headroom"/>, else the time until it drains there. Reserving at once serves
    /// callers first come, first served, across every client and process sharing the store. The
    /// headroom covers requests still on their way: the portal counts a request when it arrives,
    /// the mirror when it leaves.
    /// </summary>
    /// <returns>The wait before the reserved request may be sent.</returns>
    ValueTask<TimeSpan> ReserveAsync(string portal, RateLimitPlan plan, double headroom, CancellationToken cancellationToken = default);

    /// <summary>The portal answered 503 QUERY_LIMIT_EXCEEDED: treat its bucket as full.</summary>
    ValueTask MarkFullAsync(string portal, RateLimitPlan plan, CancellationToken cancellationToken = default);

    /// <summary>Records what an answer said of a method's operating budget.</summary>
    ValueTask ReportOperatingAsync(string portal, string method, OperatingSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>The latest report of a method's operating budget, if any.</summary>
    ValueTask<OperatingSnapshot?> GetOperatingAsync(string portal, string method, CancellationToken cancellationToken = default);
}

/// <summary>What the portal last reported of a method's operating budget.</summary>
/// <param name="OperatingSeconds">Server seconds the method has used in the current window.</param>
/// <param name="ResetAt">When the oldest minute of the window expires.</param>
/// <param name="ReportedAt">When the report arrived.</param>
public sealed record OperatingSnapshot(double OperatingSeconds, DateTimeOffset? ResetAt, DateTimeOffset ReportedAt);
