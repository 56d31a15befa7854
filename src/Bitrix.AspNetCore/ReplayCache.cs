using System.Collections.Concurrent;

namespace Bitrix.AspNetCore;

/// <summary>Hashes of bodies accepted within a window; expired ones are swept as new ones arrive.</summary>
internal sealed class ReplayCache(TimeSpan window, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private long _added;

    /// <summary>False when the same body was accepted within the window.</summary>
    public bool TryAdd(byte[] hash)
    {
        var now = time.GetTimestamp();
        var key = Convert.ToBase64String(hash);
        var expires = now + (long)(window.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            if (_seen.TryGetValue(key, out var until))
            {
                if (until > now)
                {
                    return false;
                }

                if (!_seen.TryUpdate(key, expires, until))
                {
                    continue;
                }
            }
            else if (!_seen.TryAdd(key, expires))
            {
                continue;
            }

            if (Interlocked.Increment(ref _added) % 1024 == 0)
            {
                foreach (var (k, v) in _seen)
                {
                    if (v <= now)
                    {
                        _seen.TryRemove(KeyValuePair.Create(k, v));
                    }
                }
            }

            return true;
        }
    }
}
