using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Emulator;

namespace Bitrix.Throttling.Tests;

public sealed class FaultTests
{
    private static EmulatorOptions Faulty(double rate) => Harness.Scaled(capacity: 1000, drain: 1000, o =>
    {
        o.Deals = 500;
        o.FaultRate = rate;
        o.FaultKinds = [FaultKind.InternalError, FaultKind.BadGatewayHtml, FaultKind.Reset, FaultKind.Slow, FaultKind.Truncate];
        o.SlowDelay = TimeSpan.FromSeconds(2);
        o.Seed = 7;
    });

    private static void Fast(BitrixClientOptions o)
    {
        o.RequestTimeout = TimeSpan.FromMilliseconds(400);
        o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
        o.MaxRetries = 8;
    }

    [Fact]
    public async Task Every_read_completes_with_exact_results_under_ten_percent_faults()
    {
        await using var harness = new Harness(Faulty(0.10));
        var client = harness.Client(Fast);
        var ids = (await harness.Emulator.GetIdsAsync("crm.deal")).Take(500).ToList();
        Assert.Equal(500, ids.Count);

        var results = await client.GetByIdAsync("crm.deal.get", ids);

        var stats = await harness.Emulator.GetStatsAsync();
        Assert.True(stats.Faults.Values.Sum() > 0, "faults were injected");
        Assert.All(results, pair => Assert.Equal(pair.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), pair.Value.GetResultOrThrow().GetProperty("ID").GetString()));
        Assert.Equal(0, stats.InternalFailures);
    }

    [Fact]
    public async Task A_thousand_adds_under_faults_create_each_deal_at_most_once_and_every_item_is_accounted_for()
    {
        await using var harness = new Harness(Faulty(0.10));
        var client = harness.Client(Fast);
        var items = Enumerable.Range(0, 1000).Select(i => Harness.Params(("fields", Harness.Params(("TITLE", $"w-{i}"), ("ORIGIN_ID", $"w-{i}"))))).ToList();

        var results = await client.CallManyAsync("crm.deal.add", items);

        var created = await CreatedOriginsAsync(harness);
        var successes = results.Count(r => r.IsSuccess);
        var unknown = results.Count(r => r.Error?.Code == BitrixErrorCodes.UnknownOutcome);
        var errors = results.Count(r => !r.IsSuccess && r.Error?.Code != BitrixErrorCodes.UnknownOutcome);
        Assert.Equal(1000, successes + unknown + errors);
        Assert.True(unknown > 0, "with answers lost after processing, some outcomes must be unknown");
        Assert.Equal(created.Count, created.Distinct().Count());
        foreach (var r in results.Where(r => r.IsSuccess))
        {
            Assert.Contains($"w-{r.Index}", created);
        }

        Assert.True(created.Count - successes <= unknown, "only unknown outcomes may have created deals nobody was told about");
    }

    [Fact]
    public async Task With_an_origin_check_no_unknown_outcome_remains_and_no_deal_is_doubled()
    {
        await using var harness = new Harness(Faulty(0.10));
        var client = harness.Client(Fast);
        var checker = harness.Client(o => o.MaxRetries = 10);
        var items = Enumerable.Range(0, 300).Select(i => Harness.Params(("fields", Harness.Params(("TITLE", $"c-{i}"), ("ORIGIN_ID", $"c-{i}"))))).ToList();
        var options = new BulkCallOptions
        {
            FindExisting = async (item, ct) =>
            {
                var origin = (string)item["fields"]!["ORIGIN_ID"]!;
                var found = await checker.CallAsync("crm.deal.list", Harness.Params(("filter", Harness.Params(("=ORIGIN_ID", origin))), ("select", new JsonArray("ID"))), ct);
                return found.GetArrayLength() == 0 ? null : found[0].GetProperty("ID");
            },
        };

        var results = await client.CallManyAsync("crm.deal.add", items, options);

        var created = await CreatedOriginsAsync(harness);
        Assert.DoesNotContain(results, r => r.Error?.Code == BitrixErrorCodes.UnknownOutcome);
        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.Equal(300, created.Count(o => o.StartsWith("c-", StringComparison.Ordinal)));
        Assert.Equal(created.Count, created.Distinct().Count());
    }

    /// <summary>The ORIGIN_ID of every deal created in the test, read from the store without faults.</summary>
    private static async Task<List<string>> CreatedOriginsAsync(Harness harness)
    {
        var rows = await harness.Emulator.GetRowsAsync("crm.deal");
        return rows.Select(r => (string?)r["ORIGIN_ID"]).OfType<string>().ToList();
    }
}
