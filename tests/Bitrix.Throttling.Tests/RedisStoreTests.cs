using Bitrix.Redis;
using StackExchange.Redis;

namespace Bitrix.Throttling.Tests;

public sealed class RedisStoreTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Two_clients_with_their_own_redis_connections_share_one_bucket()
    {
        await using var harness = new Harness(Harness.Scaled(capacity: 20, drain: 25));
        await using var first = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await using var second = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var prefix = $"t{Guid.NewGuid():N}:";
        var a = harness.Client(store: new RedisRateLimitStore(first, prefix));
        var b = harness.Client(store: new RedisRateLimitStore(second, prefix));
        var ids = await harness.Emulator.GetIdsAsync("crm.deal");

        var calls = Enumerable.Range(0, 150).Select(i => (i % 2 == 0 ? a : b).CallAsync("crm.deal.get", Harness.Params(("ID", ids[i]))));
        await Task.WhenAll(calls);

        var stats = await harness.Emulator.GetStatsAsync();
        Assert.Equal(0, stats.Rejected503);
        Assert.Equal(150, stats.Requests);
    }

    [Fact]
    public async Task Reservations_go_at_once_while_below_capacity_minus_headroom_then_queue_at_the_drain_rate()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var store = new RedisRateLimitStore(connection, $"t{Guid.NewGuid():N}:");
        var plan = new RateLimitPlan(10, 0.5);

        // Below 10 - 2: levels 0..7 go at once, and the eighth leaves 8 minus what drained meanwhile, still below 8.
        var atOnce = 0;
        TimeSpan wait;
        while ((wait = await store.ReserveAsync("portal.test", plan, headroom: 2)) == TimeSpan.Zero)
        {
            atOnce++;
        }

        var next = await store.ReserveAsync("portal.test", plan, headroom: 2);
        Assert.Equal(9, atOnce);
        Assert.InRange(wait.TotalSeconds, 0.001, 2.01);
        Assert.InRange((next - wait).TotalSeconds, 1.9, 2.1);
    }

    [Fact]
    public async Task A_refusal_marks_the_shared_bucket_full_for_everyone()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var prefix = $"t{Guid.NewGuid():N}:";
        var plan = new RateLimitPlan(50, 2);
        var first = new RedisRateLimitStore(connection, prefix);
        var second = new RedisRateLimitStore(connection, prefix);

        await first.MarkFullAsync("portal.test", plan);
        var wait = await second.ReserveAsync("portal.test", plan, headroom: 1);

        Assert.True(wait > TimeSpan.Zero);
    }

    [Fact]
    public async Task Operating_reports_round_trip_through_redis()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var store = new RedisRateLimitStore(connection, $"t{Guid.NewGuid():N}:");
        var reset = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var reported = DateTimeOffset.FromUnixTimeMilliseconds(1_799_999_500_123);

        Assert.Null(await store.GetOperatingAsync("portal.test", "webhook:1|crm.deal.list"));
        await store.ReportOperatingAsync("portal.test", "webhook:1|crm.deal.list", new OperatingSnapshot(123.456, reset, reported));
        var read = await store.GetOperatingAsync("portal.test", "webhook:1|crm.deal.list");

        Assert.Equal(new OperatingSnapshot(123.456, reset, reported), read);
    }
}
