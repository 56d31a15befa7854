using System.Diagnostics;
using Bitrix.Throttling;

namespace Bitrix.Listing;

/// <summary>The state of one read, for progress reports.</summary>
internal sealed class ListRun(string method, ListQuery query, ListOptions options, IWaitReasonSource waits)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _lastReport;

    public string Method { get; } = method;

    public ListQuery Query { get; } = query;

    public ListObserver? Observer { get; init; }

    public long Rows { get; set; }

    public long Requests { get; set; }

    public long? ExpectedTotal { get; set; }

    public bool TotalChanged { get; private set; }

    public void CountChanged(long now)
    {
        TotalChanged = true;
        ExpectedTotal = now;
    }

    /// <summary>Reports at most four times a second, and once at the end.</summary>
    public void Report(bool force)
    {
        if (options.Progress is not { } progress)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (!force && Stopwatch.GetElapsedTime(_lastReport, now) < TimeSpan.FromMilliseconds(250))
        {
            return;
        }

        _lastReport = now;
        progress.Report(new ListProgress
        {
            Rows = Rows,
            ExpectedTotal = ExpectedTotal,
            Requests = Requests,
            Elapsed = Stopwatch.GetElapsedTime(_started, now),
            WaitReason = waits.CurrentWaitReason,
            TotalChanged = TotalChanged,
        });
    }
}
