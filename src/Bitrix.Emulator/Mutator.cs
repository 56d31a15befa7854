namespace Bitrix.Emulator;

/// <summary>
/// Inserts and deletes deals at a steady rate while clients read (<c>--mutate-rate</c>): half
/// inserts, half deletes of a random existing deal. New IDs always grow.
/// </summary>
internal sealed class Mutator : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private readonly Portal _portal;
    private readonly double _rate;
    private readonly Random _random;
    private readonly ITimer _timer;
    private readonly long _startedAt;
    private long _done;
    private int _running;

    public Mutator(Portal portal, double operationsPerSecond, int seed)
    {
        _portal = portal;
        _rate = operationsPerSecond;
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
            var due = (long)(_portal.Time.GetElapsedTime(_startedAt).TotalSeconds * _rate);
            _portal.Locked(data =>
            {
                for (; _done < due; _done++)
                {
                    var deals = data.Deals;
                    if (_random.Next(2) == 0 || deals.Count == 0)
                    {
                        deals.SeedNext(1);
                        _portal.Stats.Inserted();
                    }
                    else
                    {
                        deals.Delete(deals.Ids[_random.Next(deals.Count)]);
                        _portal.Stats.Deleted();
                    }
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
