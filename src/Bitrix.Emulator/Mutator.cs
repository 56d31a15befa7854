using System.Globalization;
using Bitrix.Emulator.Data;

namespace Bitrix.Emulator;

/// <summary>
/// Changes deals at a steady rate while clients read: <c>--mutate-rate</c> inserts and deletes
/// (half each, a random existing deal deleted; new IDs always grow) and <c>--mutate-modify-rate</c>
/// edits of random existing deals. Every insert and edit stamps <c>DATE_MODIFY</c> with the
/// portal clock, to the second and in the portal's time zone, as the portal does.
/// </summary>
internal sealed class Mutator : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private readonly Portal _portal;
    private readonly double _rate;
    private readonly double _modifyRate;
    private readonly Random _random;
    private readonly ITimer _timer;
    private readonly long _startedAt;
    private long _done;
    private long _modified;
    private int _running;

    public Mutator(Portal portal, double operationsPerSecond, double modificationsPerSecond, int seed)
    {
        _portal = portal;
        _rate = operationsPerSecond;
        _modifyRate = modificationsPerSecond;
        _random = new Random(seed ^ 0x5EED);
        _startedAt = portal.Time.GetTimestamp();
        _timer = portal.Time.CreateTimer(_ => Step(), null, Tick, Tick);
    }

    private void Step()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        try
        {
            var elapsed = _portal.Time.GetElapsedTime(_startedAt).TotalSeconds;
            var due = (long)(elapsed * _rate);
            var modificationsDue = (long)(elapsed * _modifyRate);
            _portal.Locked(data =>
            {
                var deals = data.Deals;
                for (; _done < due; _done++)
                {
                    if (_random.Next(2) == 0 || deals.Count == 0)
                    {
                        deals.SeedNext(1);
                        var values = deals.Materialise(deals.Find(deals.MaxId)!);
                        var now = SeedData.FormatDateTime(_portal.Time.GetUtcNow());
                        values["DATE_CREATE"] = now;
                        values["DATE_MODIFY"] = now;
                        _portal.Stats.Inserted();
                    }
                    else
                    {
                        deals.Delete(deals.Ids[_random.Next(deals.Count)]);
                        _portal.Stats.Deleted();
                    }
                }

                for (; _modified < modificationsDue && deals.Count > 0; _modified++)
                {
                    var values = deals.Materialise(deals.Find(deals.Ids[_random.Next(deals.Count)])!);
                    values["OPPORTUNITY"] = (_random.Next(1_000, 5_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
                    values["DATE_MODIFY"] = SeedData.FormatDateTime(_portal.Time.GetUtcNow());
                    _portal.Stats.Modified();
                }

                return 0;
            });
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public void Dispose() => _timer.Dispose();
}
