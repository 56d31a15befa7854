namespace Bitrix.Reliability.Tests;

/// <summary>
/// 50,000 deals exported through every strategy while a tenth of the requests meet a fault of
/// every kind (500, 502 HTML, 503 HTML, reset, cut answer, held-back answer, 200 cut with a
/// matching or a short Content-Length, empty 200, a captive proxy's HTML 200): the exported IDs
/// are exactly the portal's, none twice.
/// </summary>
public sealed class ChaosExportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ListStrategy.Offset)]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    [InlineData(ListStrategy.Auto)]
    public async Task Every_strategy_exports_exactly_the_portal_s_ids_under_ten_percent_faults(ListStrategy strategy)
    {
        var deals = Soak.Scale(50_000);
        await using var lab = new Lab(Lab.Open(o =>
        {
            o.Deals = deals;
            o.FaultRate = 0.10;
            o.FaultKinds = Lab.AllFaults;
            o.SlowDelay = TimeSpan.FromSeconds(3);
            o.Seed = 11;
        }));
        var client = lab.Client(o =>
        {
            o.RequestTimeout = TimeSpan.FromSeconds(1);
            o.MaxRetries = 10;
        });
        using var meter = new ClientMeter();
        var expected = await lab.Emulator.GetIdsAsync("crm.deal");

        // Exports in a row on the same portal until every kind of fault has hit at least one
        // request (an export of 50,000 rows is only ~22 requests).
        var clock = Stopwatch.StartNew();
        var rounds = 0;
        while (rounds < Soak.Factor * 2 || (await lab.Emulator.GetStatsAsync()).Faults.Count(f => f.Value > 0) < Lab.AllFaults.Count)
        {
            Assert.True(rounds < Math.Max(40, Soak.Factor * 2), $"{rounds} exports and still not every kind of fault was injected");
            rounds++;
            var ids = new List<long>(deals);
            await foreach (var row in client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID", "TITLE") }, new ListOptions { Strategy = strategy }))
            {
                ids.Add(Lab.IdOf(row));
            }

            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.Equal(expected.Count, ids.Count);
            Assert.Equal(expected, ids.Order().ToList());
        }

        var stats = await lab.Emulator.GetStatsAsync();
        var faults = stats.Faults.Values.Sum();
        output.WriteLine($"{strategy}: {rounds} x {deals} rows in {clock.Elapsed.TotalSeconds:F1} s, {stats.Requests} requests, {faults} faults ({string.Join(", ", stats.Faults.Select(f => $"{f.Key} {f.Value}"))}), {meter.Retries} retries");
        Assert.True(faults > 0, "no fault was injected: the scenario proves nothing");
        Assert.True(meter.Retries >= faults, $"every fault fails its request and costs a retry: {faults} faults, {meter.Retries} retries");
    }
}
