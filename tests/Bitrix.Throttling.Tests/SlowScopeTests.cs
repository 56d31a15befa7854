using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Throttling.Tests;

public sealed class SlowScopeTests
{
    private static async Task<System.Text.Json.JsonElement[]> Burst(Harness harness, BitrixClient client, int count)
    {
        var ids = await harness.Emulator.GetIdsAsync("crm.deal");
        return await Task.WhenAll(ids.Take(count).Select(id => client.CallAsync("crm.deal.get", Harness.Params(("ID", id)))));
    }

    [Fact]
    public async Task A_slow_scope_limits_the_calls_inside_it_and_is_restored_after_an_exception()
    {
        await using var harness = new Harness(Harness.Scaled(capacity: 1000, drain: 1000));
        var client = harness.Client(o => o.MaxConcurrency = 6);

        await Burst(harness, client, 30);
        var before = harness.Probe.MaxInFlight;

        harness.Probe.ResetMax();
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            using (client.Slow(maxConcurrency: 1))
            {
                await Burst(harness, client, 20);
                throw new InvalidOperationException("boom");
            }
        });
        var inside = harness.Probe.MaxInFlight;

        harness.Probe.ResetMax();
        await Burst(harness, client, 30);
        var after = harness.Probe.MaxInFlight;

        Assert.Equal("boom", thrown.Message);
        Assert.True(before > 1, $"without a scope calls run in parallel (saw {before})");
        Assert.Equal(1, inside);
        Assert.True(after > 1, $"the scope is gone after the exception (saw {after})");
    }

    [Fact]
    public async Task Nested_scopes_take_the_stricter_limit_and_unwind_in_order()
    {
        await using var harness = new Harness(Harness.Scaled(capacity: 1000, drain: 1000));
        var client = harness.Client(o => o.MaxConcurrency = 6);
        int outerOnly, inner, outerAgain;

        using (client.Slow(maxConcurrency: 3))
        {
            harness.Probe.ResetMax();
            await Burst(harness, client, 30);
            outerOnly = harness.Probe.MaxInFlight;

            using (client.Slow(maxConcurrency: 1))
            {
                harness.Probe.ResetMax();
                await Burst(harness, client, 20);
                inner = harness.Probe.MaxInFlight;
            }

            harness.Probe.ResetMax();
            await Burst(harness, client, 30);
            outerAgain = harness.Probe.MaxInFlight;
        }

        Assert.InRange(outerOnly, 2, 3);
        Assert.Equal(1, inner);
        Assert.InRange(outerAgain, 2, 3);
    }

    [Fact]
    public async Task A_scope_does_not_flow_to_other_callers()
    {
        await using var harness = new Harness(Harness.Scaled(capacity: 1000, drain: 1000));
        var client = harness.Client(o => o.MaxConcurrency = 6);
        var release = new TaskCompletionSource();
        var scoped = Task.Run(async () =>
        {
            using (client.Slow(maxConcurrency: 1))
            {
                await release.Task;
            }
        });

        harness.Probe.ResetMax();
        await Burst(harness, client, 30);
        var elsewhere = harness.Probe.MaxInFlight;
        release.SetResult();
        await scoped;

        Assert.True(elsewhere > 1, $"a scope opened by another caller must not slow this one (saw {elsewhere})");
    }

    [Fact]
    public async Task A_requests_per_second_scope_lets_one_call_go_per_interval()
    {
        var time = new FakeTimeProvider();
        await using var harness = new Harness(Harness.Scaled(capacity: 1000, drain: 1000));
        var client = harness.Client(o =>
        {
            o.MaxConcurrency = 6;
            o.TimeProvider = time;
        });
        var sent = new List<int>();

        Task burst;
        using (client.Slow(maxConcurrency: null, requestsPerSecond: 10))
        {
            burst = Burst(harness, client, 5);
        }

        for (var step = 0; step < 5; step++)
        {
            await WaitForQuiet(harness);
            sent.Add(harness.Probe.Requests);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await burst;
        Assert.Equal([1, 2, 3, 4, 5], sent);
    }

    /// <summary>Lets the calls that may go reach the wire before the clock moves on.</summary>
    private static async Task WaitForQuiet(Harness harness)
    {
        var last = -1;
        for (var i = 0; i < 50 && harness.Probe.Requests != last; i++)
        {
            last = harness.Probe.Requests;
            await Task.Delay(30);
        }
    }
}
