namespace Bitrix.Reliability.Tests;

/// <summary>
/// Whole-list exports while the portal inserts and deletes deals (and some requests fail):
/// at least 500 inserts and 500 deletes land during each export, the cursor strategies return
/// every deal that existed throughout, and no strategy returns a deal twice.
/// </summary>
public sealed class MutationTests(ITestOutputHelper output)
{
    private const int MinimumEach = 500;

    [Theory]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    [InlineData(ListStrategy.Auto)]
    [InlineData(ListStrategy.Offset)]
    public async Task Cursor_exports_return_every_deal_that_existed_throughout_and_none_twice(ListStrategy strategy)
    {
        // Real waits of the modelled server time make the export last; the mutator inserts and
        // deletes 4,000 deals a second meanwhile. The parallel cursor reads several ranges at once,
        // so its server time is stretched further to keep as many mutations inside the read.
        await using var lab = new Lab(Lab.Open(o =>
        {
            o.Deals = Soak.Scale(50_000);
            o.MutateRate = 4_000;
            o.LatencyScale = strategy switch
            {
                ListStrategy.ChainedCursor => 1,
                ListStrategy.Offset => 0.05,
                _ => 2,
            };
            o.FaultRate = 0.10;
            o.FaultKinds = [Emulator.FaultKind.InternalError, Emulator.FaultKind.Reset, Emulator.FaultKind.Truncate];
            o.Seed = 12;
        }));
        var client = lab.Client(o => o.MaxRetries = 10);

        var statsBefore = await lab.Emulator.GetStatsAsync();
        var before = await lab.Emulator.GetIdsAsync("crm.deal");
        var clock = Stopwatch.StartNew();
        var ids = new List<long>();
        await foreach (var row in client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = strategy }))
        {
            ids.Add(Lab.IdOf(row));
        }

        var elapsed = clock.Elapsed;
        var after = await lab.Emulator.GetIdsAsync("crm.deal");
        var statsAfter = await lab.Emulator.GetStatsAsync();
        var inserts = statsAfter.MutationInserts - statsBefore.MutationInserts;
        var deletes = statsAfter.MutationDeletes - statsBefore.MutationDeletes;
        var stable = before.Intersect(after).ToList();
        var returned = ids.ToHashSet();
        var missed = stable.Count(id => !returned.Contains(id));
        output.WriteLine($"{strategy}: {ids.Count} rows in {elapsed.TotalSeconds:F1} s, {inserts} inserts and {deletes} deletes during the read, {stable.Count} deals existed throughout, {missed} of them missed, {statsAfter.Faults.Values.Sum() - statsBefore.Faults.Values.Sum()} faults");

        Assert.True(inserts >= MinimumEach && deletes >= MinimumEach, $"too few mutations landed during the read: {inserts} inserts, {deletes} deletes");
        Assert.Equal(ids.Count, returned.Count);
        if (strategy == ListStrategy.Offset)
        {
            // Offsets shift when rows before them go: rows can be skipped (and the client says
            // so); de-duplication still keeps each row once.
            return;
        }

        Assert.True(missed == 0, $"{missed} deals that existed throughout were not returned");
        Assert.Equal(ids.Order(), ids);
    }
}
