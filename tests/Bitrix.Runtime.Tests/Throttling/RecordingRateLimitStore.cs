namespace Bitrix.Runtime.Tests.Throttling;

/// <summary>An in-memory store that records every call made of it: what was asked, of which portal, with which headroom.</summary>
internal sealed class RecordingRateLimitStore(TimeProvider? time = null) : IRateLimitStore
{
    private readonly Lock _gate = new();
    private readonly List<(string Kind, string Portal, string? Method, double Headroom)> _calls = [];

    public InMemoryRateLimitStore Inner { get; } = new(time);

    /// <summary>A wait the next reservation returns instead of the inner store's (which still reserves).</summary>
    public TimeSpan? NextWait { get; set; }

    public IReadOnlyList<(string Kind, string Portal, string? Method, double Headroom)> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public IEnumerable<string> PortalsOf(string kind) => Calls.Where(c => c.Kind == kind).Select(c => c.Portal);

    public async ValueTask<TimeSpan> ReserveAsync(string portal, RateLimitPlan plan, double headroom, CancellationToken cancellationToken = default)
    {
        Record("reserve", portal, null, headroom);
        var wait = await Inner.ReserveAsync(portal, plan, headroom, cancellationToken);
        if (NextWait is { } next)
        {
            NextWait = null;
            return next;
        }

        return wait;
    }

    public ValueTask MarkFullAsync(string portal, RateLimitPlan plan, CancellationToken cancellationToken = default)
    {
        Record("full", portal, null, 0);
        return Inner.MarkFullAsync(portal, plan, cancellationToken);
    }

    public ValueTask ReportOperatingAsync(string portal, string method, OperatingSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        Record("report", portal, method, 0);
        return Inner.ReportOperatingAsync(portal, method, snapshot, cancellationToken);
    }

    public ValueTask<OperatingSnapshot?> GetOperatingAsync(string portal, string method, CancellationToken cancellationToken = default)
    {
        Record("get", portal, method, 0);
        return Inner.GetOperatingAsync(portal, method, cancellationToken);
    }

    private void Record(string kind, string portal, string? method, double headroom)
    {
        lock (_gate)
        {
            _calls.Add((kind, portal, method, headroom));
        }
    }
}
