namespace Bitrix.Emulator.Limits;

/// <summary>
/// Server time per method, summed in ten baskets over a sliding window (docs/protocol.md §5). When a
/// method's sum exceeds the limit, further calls are refused with 429 until the oldest basket
/// expires: <c>operating_reset_at</c> = first call of the oldest basket + the window.
/// </summary>
internal sealed class OperatingBudget
{
    private const int Baskets = 10;
    private readonly Dictionary<string, List<Basket>> _byMethod = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate = new();

    public OperatingBudget(double limitSeconds, TimeSpan window)
    {
        LimitSeconds = limitSeconds;
        Window = window;
    }

    public double LimitSeconds { get; }

    public TimeSpan Window { get; }

    private TimeSpan BasketLength => Window / Baskets;

    /// <summary>True when the method has spent more than the limit within the window.</summary>
    public bool IsBlocked(string method, DateTimeOffset now)
    {
        lock (_gate)
        {
            return Used(method, now) > LimitSeconds;
        }
    }

    public void Charge(string method, double seconds, DateTimeOffset now)
    {
        lock (_gate)
        {
            var baskets = Live(method, now);
            var index = BasketIndex(now);
            if (baskets.Count == 0 || baskets[^1].Index != index)
            {
                baskets.Add(new Basket(index, now));
            }

            baskets[^1].Seconds += seconds;
        }
    }

    /// <summary>Seconds the method has used in the current window.</summary>
    public double Used(string method, DateTimeOffset now)
    {
        lock (_gate)
        {
            return Live(method, now).Sum(b => b.Seconds);
        }
    }

    /// <summary>When the oldest live basket of the method expires (unix seconds); now when there is none.</summary>
    public long ResetAt(string method, DateTimeOffset now)
    {
        lock (_gate)
        {
            var baskets = Live(method, now);
            var at = baskets.Count == 0 ? now + Window : baskets[0].FirstCall + Window;
            return at.ToUnixTimeSeconds();
        }
    }

    public IReadOnlyDictionary<string, double> Snapshot(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _byMethod.Keys.ToDictionary(k => k, k => Live(k, now).Sum(b => b.Seconds), StringComparer.OrdinalIgnoreCase);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _byMethod.Clear();
        }
    }

    private long BasketIndex(DateTimeOffset now) => now.UtcTicks / BasketLength.Ticks;

    private List<Basket> Live(string method, DateTimeOffset now)
    {
        if (!_byMethod.TryGetValue(method, out var baskets))
        {
            baskets = [];
            _byMethod[method] = baskets;
        }

        baskets.RemoveAll(b => b.FirstCall + Window <= now);
        return baskets;
    }

    private sealed class Basket(long index, DateTimeOffset firstCall)
    {
        public long Index { get; } = index;

        public DateTimeOffset FirstCall { get; } = firstCall;

        public double Seconds { get; set; }
    }
}
