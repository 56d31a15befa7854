using System.Text.Json.Nodes;
using Bitrix.Emulator;

namespace Bitrix.Throttling.Tests;

public sealed class BucketTests
{
    [Fact]
    public async Task A_burst_of_a_thousand_single_calls_meets_no_503()
    {
        await using var harness = new Harness(Harness.Scaled(capacity: 50, drain: 100));
        var client = harness.Client();
        var ids = await harness.Emulator.GetIdsAsync("crm.deal");

        var calls = Enumerable.Range(0, 1000).Select(i => client.CallAsync("crm.deal.get", Harness.Params(("ID", ids[i % 300]))));
        var results = await Task.WhenAll(calls);

        var stats = await harness.Emulator.GetStatsAsync();
        Assert.Equal(1000, results.Length);
        Assert.All(results, r => Assert.NotNull(r.GetProperty("ID").GetString()));
        Assert.Equal(0, stats.Rejected503);
        Assert.Equal(1000, stats.Requests);
        Assert.Equal(0, stats.InternalFailures);
    }

    [Fact]
    public async Task Two_clients_of_one_portal_with_separate_http_clients_share_the_bucket()
    {
        await using var harness = new Harness(Harness.Scaled(capacity: 20, drain: 25));
        var store = new InMemoryRateLimitStore();
        var first = harness.Client(store: store);
        var second = harness.Client(store: store);
        var ids = await harness.Emulator.GetIdsAsync("crm.deal");

        var calls = Enumerable.Range(0, 150).Select(i => (i % 2 == 0 ? first : second).CallAsync("crm.deal.get", Harness.Params(("ID", ids[i]))));
        await Task.WhenAll(calls);

        var stats = await harness.Emulator.GetStatsAsync();
        Assert.Equal(0, stats.Rejected503);
        Assert.Equal(150, stats.Requests);
    }

    [Fact]
    public async Task Clients_that_do_not_share_a_store_trip_each_other_and_recover_without_losing_calls()
    {
        await using var harness = new Harness(Harness.Scaled(capacity: 10, drain: 100));
        var first = harness.Client(store: new InMemoryRateLimitStore());
        var second = harness.Client(store: new InMemoryRateLimitStore());
        var ids = await harness.Emulator.GetIdsAsync("crm.deal");

        var calls = Enumerable.Range(0, 120).Select(i => (i % 2 == 0 ? first : second).CallAsync("crm.deal.get", Harness.Params(("ID", ids[i]))));
        var results = await Task.WhenAll(calls);

        var stats = await harness.Emulator.GetStatsAsync();
        Assert.Equal(120, results.Length);
        Assert.True(stats.Rejected503 > 0, "two unshared mirrors each believe they own the bucket, so the portal must refuse some requests");
        Assert.Equal(120 + stats.Rejected503, stats.Requests);
    }
}
