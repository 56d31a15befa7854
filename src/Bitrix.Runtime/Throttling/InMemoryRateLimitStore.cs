using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Bitrix.Throttling;

namespace Bitrix;

/// <summary>The default store: limits shared by every client of a portal within this process.</summary>
public sealed class InMemoryRateLimitStore : IRateLimitStore
{
    private static readonly ConditionalWeakTable<TimeProvider, InMemoryRateLimitStore> PerClock = [];
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, OperatingSnapshot> _operating = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a store of its own (tests, or clients that must not share).</summary>
    public InMemoryRateLimitStore(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>The process-wide store on the system clock.</summary>
    public static InMemoryRateLimitStore Shared { get; } = new(TimeProvider.System);

    internal static InMemoryRateLimitStore For(TimeProvider time)
        => time == TimeProvider.System ? Shared : PerClock.GetValue(time, t => new InMemoryRateLimitStore(t));

    /// <inheritdoc/>
    public ValueTask<TimeSpan> ReserveAsync(string portal, RateLimitPlan plan, double headroom, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var bucket = _buckets.GetOrAdd(portal, _ => new Bucket(_time.GetTimestamp()));
        lock (bucket)
        {
            var elapsed = _time.GetElapsedTime(bucket.UpdatedAt).TotalSeconds;
            Drain(bucket, plan);
            bucket.Headroom = LeakyBucketMath.SharedHeadroom(bucket.Headroom, headroom, elapsed);
            var wait = LeakyBucketMath.WaitFor(bucket.Level, plan, bucket.Headroom);
            bucket.Level += 1;
            return ValueTask.FromResult(wait);
        }
    }

    /// <inheritdoc/>
    public ValueTask MarkFullAsync(string portal, RateLimitPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var bucket = _buckets.GetOrAdd(portal, _ => new Bucket(_time.GetTimestamp()));
        lock (bucket)
        {
            Drain(bucket, plan);
            bucket.Level = Math.Max(bucket.Level, plan.Capacity);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask ReportOperatingAsync(string portal, string method, OperatingSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        _operating[portal + "|" + method] = snapshot;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<OperatingSnapshot?> GetOperatingAsync(string portal, string method, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_operating.GetValueOrDefault(portal + "|" + method));

    /// <summary>The mirrored bucket level of a portal now (for diagnostics and tests).</summary>
    public double GetLevel(string portal, RateLimitPlan plan)
    {
        if (!_buckets.TryGetValue(portal, out var bucket))
        {
            return 0;
        }

        lock (bucket)
        {
            Drain(bucket, plan);
            return bucket.Level;
        }
    }

    private void Drain(Bucket bucket, RateLimitPlan plan)
    {
        var now = _time.GetTimestamp();
        bucket.Level = LeakyBucketMath.Drain(bucket.Level, _time.GetElapsedTime(bucket.UpdatedAt, now).TotalSeconds, plan);
        bucket.UpdatedAt = now;
    }

    private sealed class Bucket(long updatedAt)
    {
        public double Level { get; set; }

        public double Headroom { get; set; }

        public long UpdatedAt { get; set; } = updatedAt;
    }
}
