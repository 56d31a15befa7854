using Bitrix.Diagnostics;

namespace Bitrix.Throttling;

/// <summary>
/// Counts the waits in progress by reason, so that progress reports can say what requests are
/// waiting for, and records how long each wait lasted when it ends.
/// </summary>
internal sealed class WaitTracker(TimeProvider time) : IWaitReasonSource
{
    private readonly int[] _waiting = new int[WaitReasons.All.Length];

    /// <summary>What requests are waiting for right now, if anything; the first of <see cref="WaitReasons.All"/> with a wait in progress.</summary>
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

    /// <summary>Marks a wait: counted for <see cref="CurrentWaitReason"/> until the ticket is disposed, measured then.</summary>
    public WaitTicket Waiting(string reason)
    {
        var index = Array.IndexOf(WaitReasons.All, reason);
        var started = time.GetTimestamp();
        Interlocked.Increment(ref _waiting[index]);
        return new WaitTicket(this, index, started);
    }

    /// <summary>A wait ended: it no longer counts, and its length goes to the metrics.</summary>
    internal void End(int index, long started)
    {
        Interlocked.Decrement(ref _waiting[index]);
        var seconds = time.GetElapsedTime(started).TotalSeconds;
        if (seconds > 0)
        {
            BitrixMetrics.Waits.Record(seconds, new KeyValuePair<string, object?>("reason", WaitReasons.All[index]));
        }
    }
}
