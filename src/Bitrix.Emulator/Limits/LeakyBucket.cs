namespace Bitrix.Emulator.Limits;

/// <summary>
/// The portal's request counter (docs/protocol.md §5): each accepted request adds one, the counter drains
/// continuously, and a request arriving while it is at capacity or above is refused and not counted.
/// </summary>
internal sealed class LeakyBucket
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private double _level;
    private long _updatedAt;

    public LeakyBucket(double capacity, double drainPerSecond, TimeProvider time)
    {
        Capacity = capacity;
        DrainPerSecond = drainPerSecond;
        _time = time;
        _updatedAt = time.GetTimestamp();
    }

    public double Capacity { get; }

    public double DrainPerSecond { get; }

    /// <summary>The counter now.</summary>
    public double Level
    {
        get
        {
            lock (_gate)
            {
                Drain();
                return _level;
            }
        }
    }

    public bool TryAcquire()
    {
        lock (_gate)
        {
            Drain();
            if (_level >= Capacity)
            {
                return false;
            }

            _level += 1;
            return true;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _level = 0;
            _updatedAt = _time.GetTimestamp();
        }
    }

    private void Drain()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_updatedAt, now).TotalSeconds;
        _updatedAt = now;
        _level = Math.Max(0, _level - elapsed * DrainPerSecond);
    }
}
