using Bitrix.Throttling;

namespace Bitrix.Runtime.Tests.Throttling;

/// <summary>The bucket mirror alone: what it reserves of the store, how it learns transit, how it waits.</summary>
public sealed class BucketMirrorTests
{
    private static readonly RateLimitPlan Plan = RateLimitPlan.Standard;

    [Fact]
    public async Task The_headroom_asked_of_the_store_grows_with_the_transit_learnt()
    {
        var clock = new CountingClock();
        var store = new RecordingRateLimitStore(clock);
        var mirror = new BucketMirror(store, () => "portal.example", Plan, clock, new WaitTracker(clock));

        await mirror.TakeAsync(CancellationToken.None);
        mirror.OnRoundTrip(TimeSpan.FromSeconds(2));
        await mirror.TakeAsync(CancellationToken.None);
        mirror.OnRoundTrip(TimeSpan.FromSeconds(1));
        await mirror.TakeAsync(CancellationToken.None);

        // No transit yet: two requests. Then two more for each request that drains in transit, times
        // three: 2 + 3 × 2/s × 2 s. A shorter round trip lowers the transit only by a tenth of the gap.
        Assert.Equal([2.0, 14.0, 13.4], store.Calls.Select(c => Math.Round(c.Headroom, 6)));
        Assert.Equal(TimeSpan.FromSeconds(1.9), mirror.Transit);
        Assert.All(store.Calls, c => Assert.Equal(("reserve", "portal.example"), (c.Kind, c.Portal)));
    }

    [Fact]
    public void A_round_trip_longer_than_what_was_learnt_counts_at_once_and_the_headroom_stops_below_capacity()
    {
        var clock = new CountingClock();
        var mirror = new BucketMirror(new RecordingRateLimitStore(clock), () => "portal.example", Plan, clock, new WaitTracker(clock));

        mirror.OnRoundTrip(TimeSpan.FromSeconds(1));
        mirror.OnRoundTrip(TimeSpan.FromSeconds(3));
        var afterLonger = mirror.Transit;
        mirror.OnRoundTrip(TimeSpan.FromMinutes(1));

        Assert.Equal(TimeSpan.FromSeconds(3), afterLonger);
        Assert.Equal(Plan.Capacity - 1, mirror.Headroom);
    }

    [Fact]
    public async Task A_request_that_waited_its_turn_also_waits_for_the_headroom_transit_gained_meanwhile()
    {
        var clock = new CountingClock();
        var store = new RecordingRateLimitStore(clock) { NextWait = TimeSpan.FromSeconds(1) };
        var waits = new WaitTracker(clock);
        var mirror = new BucketMirror(store, () => "portal.example", Plan, clock, waits);
        var reservedAt = clock.GetTimestamp();

        var take = mirror.TakeAsync(CancellationToken.None).AsTask();
        clock.WaitForTimers(1);
        Assert.Equal(WaitReasons.Bucket, waits.CurrentWaitReason);

        // While it waits, another request's answer shows a second of transit: headroom 2 → 8, so
        // six more requests must drain first, three seconds at 2/s.
        mirror.OnRoundTrip(TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        clock.WaitForTimers(2);
        clock.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(take.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        var takenAt = await take.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(4), clock.GetElapsedTime(reservedAt, takenAt));
        Assert.Null(waits.CurrentWaitReason);
    }

    [Fact]
    public async Task A_request_with_its_turn_at_once_leaves_at_once_and_its_answer_teaches_the_transit()
    {
        var clock = new CountingClock();
        var mirror = new BucketMirror(new RecordingRateLimitStore(clock), () => "portal.example", Plan, clock, new WaitTracker(clock));

        var takenAt = await mirror.TakeAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(750));
        mirror.OnAnswered(takenAt);

        Assert.Equal(0, clock.Timers);
        Assert.Equal(TimeSpan.FromMilliseconds(750), mirror.Transit);
    }

    [Fact]
    public async Task A_refusal_marks_the_bucket_full()
    {
        var clock = new CountingClock();
        var store = new RecordingRateLimitStore(clock);
        var mirror = new BucketMirror(store, () => "portal.example", Plan, clock, new WaitTracker(clock));
        await mirror.TakeAsync(CancellationToken.None);

        await mirror.OnRefusalAsync(CancellationToken.None);

        Assert.Equal(Plan.Capacity, store.Inner.GetLevel("portal.example", Plan));
        Assert.Equal([("reserve", "portal.example"), ("full", "portal.example")], store.Calls.Select(c => (c.Kind, c.Portal)));
    }

    [Fact]
    public async Task Each_use_names_the_portal_as_it_is_then()
    {
        var clock = new CountingClock();
        var store = new RecordingRateLimitStore(clock);
        var portal = "old.example";
        var mirror = new BucketMirror(store, () => portal, Plan, clock, new WaitTracker(clock));

        await mirror.TakeAsync(CancellationToken.None);
        portal = "new.example";
        await mirror.TakeAsync(CancellationToken.None);
        await mirror.OnRefusalAsync(CancellationToken.None);

        Assert.Equal([("reserve", "old.example"), ("reserve", "new.example"), ("full", "new.example")], store.Calls.Select(c => (c.Kind, c.Portal)));
        Assert.Equal(1, store.Inner.GetLevel("old.example", Plan));
        Assert.Equal(Plan.Capacity, store.Inner.GetLevel("new.example", Plan));
    }
}
