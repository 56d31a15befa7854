using Bitrix.Diagnostics;

namespace Bitrix.Throttling;

/// <summary>
/// This client's view of the portal's leaky bucket, kept in the shared <see cref="IRateLimitStore"/>:
/// each request reserves its turn there, below capacity by a headroom for the requests still on
/// their way; a bucket refusal marks the bucket full; every answer teaches how long the way takes.
/// </summary>
/// <param name="store">Where the bucket is shared.</param>
/// <param name="portal">The key of the portal's bucket, read at each use: it follows the portal when it moves.</param>
/// <param name="plan">The portal's bucket size and drain.</param>
/// <param name="clock">The clock.</param>
/// <param name="waits">Where waits for a turn are counted.</param>
internal sealed class BucketMirror(IRateLimitStore store, Func<string> portal, RateLimitPlan plan, TimeProvider clock, WaitTracker waits)
{
    private long _transitTicks;

    /// <summary>The transit learnt so far: it rises at once to a longer round trip and falls slowly after shorter ones.</summary>
    public TimeSpan Transit => TimeSpan.FromTicks(Interlocked.Read(ref _transitTicks));

    /// <summary>How far below capacity a request must find the bucket, for the transit learnt so far.</summary>
    public double Headroom => LeakyBucketMath.Headroom(plan, Transit);

    /// <summary>Reserves the next request of the bucket and waits for its turn; returns when it may leave (transit starts there).</summary>
    public async ValueTask<long> TakeAsync(CancellationToken cancellationToken)
    {
        var headroom = Headroom;
        var reserving = clock.GetTimestamp();
        var wait = await store.ReserveAsync(portal(), plan, headroom, cancellationToken).ConfigureAwait(false);
        if (wait > TimeSpan.Zero)
        {
            using (waits.Waiting(WaitReasons.Bucket))
            {
                await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);

                // Transit grew while this request waited its turn: it waits for the extra headroom too.
                var grown = Headroom - headroom;
                if (grown > 0)
                {
                    var extra = TimeSpan.FromSeconds(grown / plan.DrainPerSecond);
                    await Task.Delay(extra, clock, cancellationToken).ConfigureAwait(false);
                    wait += extra;
                }
            }
        }

        // The slot's nominal time: the store's round trip and any oversleep count as transit.
        return reserving + (long)(wait.TotalSeconds * clock.TimestampFrequency);
    }

    /// <summary>A request taken at <paramref name="takenAt"/> (<see cref="TakeAsync"/>) was answered: its round trip is an upper bound of its transit.</summary>
    public void OnAnswered(long takenAt) => OnRoundTrip(clock.GetElapsedTime(takenAt));

    /// <summary>Learns one round trip.</summary>
    public void OnRoundTrip(TimeSpan roundTrip)
    {
        var old = Interlocked.Read(ref _transitTicks);
        var next = old == 0 ? roundTrip.Ticks : (long)(old * 0.9 + roundTrip.Ticks * 0.1);
        Interlocked.Exchange(ref _transitTicks, Math.Max(roundTrip.Ticks, next));
    }

    /// <summary>The portal refused a request for its bucket: the bucket is full now.</summary>
    public async ValueTask OnRefusalAsync(CancellationToken cancellationToken)
    {
        BitrixMetrics.Refusals.Add(1, new KeyValuePair<string, object?>("code", BitrixErrorCodes.QueryLimitExceeded));
        await store.MarkFullAsync(portal(), plan, cancellationToken).ConfigureAwait(false);
    }
}
