using System.Globalization;
using StackExchange.Redis;

namespace Bitrix.Redis;

/// <summary>
/// Keeps the mirror of a portal's leaky bucket and operating budgets in Redis, so that every
/// process and host using the portal shares one bucket and one budget per method. Bucket updates
/// are atomic Lua scripts timed by the Redis server's clock, so hosts need no clock agreement.
/// </summary>
public sealed class RedisRateLimitStore : IRateLimitStore
{
    // Drains, then reserves one request and returns the wait until the counter is below capacity - headroom (or marks the bucket full).
    private const string BucketScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
        local capacity = tonumber(ARGV[1])
        local drain = tonumber(ARGV[2])
        local level = tonumber(redis.call('HGET', KEYS[1], 'level') or '0')
        local at = tonumber(redis.call('HGET', KEYS[1], 'at') or tostring(now))
        level = level - math.max(0, now - at) * drain
        if level < 0 then level = 0 end
        local wait = 0
        local headroom = tonumber(redis.call('HGET', KEYS[1], 'headroom') or '0') * math.pow(0.5, math.max(0, now - at) / 10)
        if tonumber(ARGV[3]) > headroom then headroom = tonumber(ARGV[3]) end
        if ARGV[4] == 'full' then
          if level < capacity then level = capacity end
        else
          local threshold = capacity - headroom
          if level >= threshold then wait = (level - threshold) / drain + 0.001 end
          level = level + 1
        end
        if ARGV[4] ~= 'full' then redis.call('HSET', KEYS[1], 'headroom', tostring(headroom)) end
        redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
        redis.call('EXPIRE', KEYS[1], 3600)
        return tostring(wait)
        """;

    private readonly IDatabase _database;
    private readonly string _prefix;

    /// <summary>Creates a store on a connected multiplexer; keys start with <paramref name="keyPrefix"/>.</summary>
    public RedisRateLimitStore(IConnectionMultiplexer redis, string keyPrefix = "bitrix:limits:")
    {
        ArgumentNullException.ThrowIfNull(redis);
        _database = redis.GetDatabase();
        _prefix = keyPrefix;
    }

    /// <inheritdoc/>
    public async ValueTask<TimeSpan> ReserveAsync(string portal, RateLimitPlan plan, double headroom, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var wait = await RunBucketAsync(portal, plan, "reserve", headroom).ConfigureAwait(false);
        return wait <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(wait);
    }

    /// <inheritdoc/>
    public async ValueTask MarkFullAsync(string portal, RateLimitPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        await RunBucketAsync(portal, plan, "full", 0).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask ReportOperatingAsync(string portal, string method, OperatingSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var key = OperatingKey(portal, method);
        await _database.HashSetAsync(key,
        [
            new HashEntry("op", snapshot.OperatingSeconds.ToString("R", CultureInfo.InvariantCulture)),
            new HashEntry("reset", snapshot.ResetAt?.ToUnixTimeMilliseconds() ?? -1),
            new HashEntry("at", snapshot.ReportedAt.ToUnixTimeMilliseconds()),
        ]).ConfigureAwait(false);
        await _database.KeyExpireAsync(key, TimeSpan.FromMinutes(15)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<OperatingSnapshot?> GetOperatingAsync(string portal, string method, CancellationToken cancellationToken = default)
    {
        var values = await _database.HashGetAsync(OperatingKey(portal, method), ["op", "reset", "at"]).ConfigureAwait(false);
        if (values[0].IsNull || values[2].IsNull)
        {
            return null;
        }

        var reset = (long)values[1];
        return new OperatingSnapshot(
            double.Parse((string)values[0]!, CultureInfo.InvariantCulture),
            reset < 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(reset),
            DateTimeOffset.FromUnixTimeMilliseconds((long)values[2]));
    }

    private async Task<double> RunBucketAsync(string portal, RateLimitPlan plan, string mode, double headroom)
    {
        var result = await _database.ScriptEvaluateAsync(
            BucketScript,
            [new RedisKey(_prefix + "bucket:" + portal.ToLowerInvariant())],
            [plan.Capacity.ToString("R", CultureInfo.InvariantCulture), plan.DrainPerSecond.ToString("R", CultureInfo.InvariantCulture), Math.Clamp(headroom, 1, plan.Capacity - 1).ToString("R", CultureInfo.InvariantCulture), mode]).ConfigureAwait(false);
        return double.Parse((string)result!, CultureInfo.InvariantCulture);
    }

    private RedisKey OperatingKey(string portal, string method) => _prefix + "operating:" + portal.ToLowerInvariant() + ":" + method.ToLowerInvariant();
}
