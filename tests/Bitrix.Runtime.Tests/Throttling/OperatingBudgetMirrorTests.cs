using Bitrix.Throttling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bitrix.Runtime.Tests.Throttling;

/// <summary>The operating-budget mirror alone: when a method may go, what it waits for, what it refuses.</summary>
public sealed class OperatingBudgetMirrorTests
{
    private const string Method = "crm.deal.list";
    private const double Limit = 480;
    private static readonly string[] Methods = [Method];

    private static OperatingBudgetMirror Mirror(CountingClock clock, IRateLimitStore store, TimeSpan? maxServerWait = null, WaitTracker? waits = null)
        => new(store, () => "portal.example", "webhook:1", Limit, maxConcurrency: 4, maxServerWait ?? TimeSpan.FromMinutes(10), clock, waits ?? new WaitTracker(clock), NullLogger.Instance);

    [Fact]
    public async Task A_reset_beyond_the_longest_wait_is_refused_unsent_and_the_block_is_cut_to_that_wait()
    {
        var clock = new CountingClock();
        var store = new RecordingRateLimitStore(clock);
        var mirror = Mirror(clock, store, maxServerWait: TimeSpan.FromMinutes(1));
        await mirror.OnAnswerAsync(Method, new BitrixTime { Operating = Limit - 1, OperatingResetAt = clock.GetUtcNow().AddHours(1) }, CancellationToken.None);

        var (blocker, probes) = await mirror.CheckAsync(Methods, CancellationToken.None);
        var e = await Assert.ThrowsAsync<BitrixException>(() => blocker!(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Empty(probes);
        Assert.Equal(BitrixErrorCodes.ServerWaitTooLong, e.ErrorCode);
        Assert.Equal(Method, e.Method);
        Assert.Equal(0, clock.Timers);
        var cut = await store.Inner.GetOperatingAsync("portal.example", "webhook:1|" + Method);
        Assert.Equal(clock.GetUtcNow().AddMinutes(1), cut!.ResetAt);
        Assert.Equal(Limit - 1, cut.OperatingSeconds);

        // The next call waits for the cut block (a second more for rounding) and may then go.
        (blocker, _) = await mirror.CheckAsync(Methods, CancellationToken.None);
        var wait = blocker!(CancellationToken.None);
        clock.WaitForTimers(1);
        clock.Advance(TimeSpan.FromSeconds(60.9));
        Assert.False(wait.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_reset_within_the_longest_wait_is_waited_for_under_its_reason()
    {
        var clock = new CountingClock();
        var waits = new WaitTracker(clock);
        var mirror = Mirror(clock, new RecordingRateLimitStore(clock), maxServerWait: TimeSpan.FromMinutes(1), waits: waits);
        await mirror.OnAnswerAsync(Method, new BitrixTime { Operating = Limit, OperatingResetAt = clock.GetUtcNow().AddSeconds(59) }, CancellationToken.None);

        var (blocker, _) = await mirror.CheckAsync(Methods, CancellationToken.None);
        var wait = blocker!(CancellationToken.None);
        clock.WaitForTimers(1);

        Assert.Equal(WaitReasons.Operating, waits.CurrentWaitReason);
        clock.Advance(TimeSpan.FromSeconds(59.9));
        Assert.False(wait.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(waits.CurrentWaitReason);
    }

    [Fact]
    public async Task A_method_goes_while_below_its_limit_less_a_reserve_that_grows_with_its_cost()
    {
        var clock = new CountingClock();
        var mirror = Mirror(clock, new RecordingRateLimitStore(clock));
        var resetAt = clock.GetUtcNow().AddSeconds(30);

        // The reserve: 2 % of the limit, or the average cost of the calls that may be in flight, twice.
        Assert.Equal(Limit * 0.02, mirror.Reserve(Method));
        await mirror.OnAnswerAsync(Method, new BitrixTime { Operating = Limit - 9.7, OperatingResetAt = resetAt }, CancellationToken.None);
        var below = await mirror.CheckAsync(Methods, CancellationToken.None);
        await mirror.OnAnswerAsync(Method, new BitrixTime { Operating = Limit - 9.5, OperatingResetAt = resetAt }, CancellationToken.None);
        var within = await mirror.CheckAsync(Methods, CancellationToken.None);
        await mirror.OnAnswerAsync(Method, new BitrixTime { Processing = 2, Operating = Limit - 15, OperatingResetAt = resetAt }, CancellationToken.None);
        var costly = await mirror.CheckAsync(Methods, CancellationToken.None);

        Assert.Null(below.Blocker);
        Assert.Empty(below.Probes);
        Assert.NotNull(within.Blocker);
        Assert.Equal(2.0 * 4 * 2, mirror.Reserve(Method));
        Assert.NotNull(costly.Blocker);
        Assert.Null((await mirror.CheckAsync(["crm.contact.list"], CancellationToken.None)).Blocker);
    }

    [Fact]
    public async Task After_the_window_moved_on_unseen_one_call_probes_and_the_others_wait_for_its_answer()
    {
        var clock = new CountingClock();
        var mirror = Mirror(clock, new RecordingRateLimitStore(clock));
        await mirror.OnAnswerAsync(Method, new BitrixTime { Operating = Limit, OperatingResetAt = clock.GetUtcNow().AddSeconds(5) }, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(10));

        var first = await mirror.CheckAsync(Methods, CancellationToken.None);
        var second = await mirror.CheckAsync(Methods, CancellationToken.None);
        var waiting = second.Blocker!(CancellationToken.None);

        Assert.Null(first.Blocker);
        Assert.Single(first.Probes);
        Assert.False(waiting.IsCompleted);
        first.Probes[0].Dispose();
        first.Probes[0].Dispose();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        var third = await mirror.CheckAsync(Methods, CancellationToken.None);
        Assert.Null(third.Blocker);
        Assert.Single(third.Probes);
        var fourth = await mirror.CheckAsync(Methods, CancellationToken.None);
        Assert.NotNull(fourth.Blocker);
    }

    [Fact]
    public async Task A_refusal_blocks_the_method_until_the_reset_it_knows_else_for_the_default_pause()
    {
        var clock = new CountingClock();
        var store = new RecordingRateLimitStore(clock);
        var mirror = Mirror(clock, store);
        var known = clock.GetUtcNow().AddSeconds(42);
        await mirror.OnAnswerAsync("crm.deal.get", new BitrixTime { Operating = 3, OperatingResetAt = known }, CancellationToken.None);

        await mirror.OnRefusalAsync("crm.deal.get", CancellationToken.None);
        await mirror.OnRefusalAsync(Method, CancellationToken.None);

        var withReset = await store.Inner.GetOperatingAsync("portal.example", "webhook:1|crm.deal.get");
        var without = await store.Inner.GetOperatingAsync("portal.example", "webhook:1|" + Method);
        Assert.Equal((Limit, known), (withReset!.OperatingSeconds, withReset.ResetAt));
        Assert.Equal((Limit, clock.GetUtcNow() + OperatingBudgetMirror.DefaultPause), (without!.OperatingSeconds, without.ResetAt));
        Assert.NotNull((await mirror.CheckAsync(Methods, CancellationToken.None)).Blocker);
    }
}
