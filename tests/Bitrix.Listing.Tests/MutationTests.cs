using Xunit.Abstractions;

namespace Bitrix.Listing.Tests;

/// <summary>Deals are inserted and deleted while the whole list is read.</summary>
public sealed class MutationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    [InlineData(ListStrategy.Auto)]
    [InlineData(ListStrategy.Offset)]
    public async Task Rows_that_exist_throughout_come_back_once_and_rows_inserted_during_the_read_do_not(ListStrategy strategy)
    {
        var recorder = new Recorder { KeepBatchAnswers = true };

        // Real waits of the modelled cost stretch the read over a second or more (cursor pages
        // cost ~2.5 ms each, deep offset pages far more, hence a smaller scale for offsets), while
        // the mutator makes 3,000 inserts plus deletes a second.
        await using var portal = new Portal(
            o =>
            {
                o.Deals = 20_000;
                o.MutateRate = 3_000;
                o.LatencyScale = strategy == ListStrategy.Offset ? 0.1 : 1;
            },
            recorder.Wrap);

        var statsBefore = await portal.Emulator.GetStatsAsync();
        var before = await portal.Emulator.GetIdsAsync("crm.deal");
        var ids = await portal.ListIdsAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, strategy);
        var after = await portal.Emulator.GetIdsAsync("crm.deal");
        var statsAfter = await portal.Emulator.GetStatsAsync();

        var inserts = statsAfter.MutationInserts - statsBefore.MutationInserts;
        var deletes = statsAfter.MutationDeletes - statsBefore.MutationDeletes;
        output.WriteLine($"{strategy}: {ids.Count} rows, {inserts} inserts and {deletes} deletes during the read, {recorder.Requests} requests");
        Assert.True(inserts >= 150 && deletes >= 150, $"Too few mutations landed during the read: {inserts} inserts, {deletes} deletes.");

        var returned = ids.ToHashSet();
        Assert.Equal(ids.Count, returned.Count);

        var stable = before.Intersect(after).ToList();
        var missed = stable.Where(id => !returned.Contains(id)).ToList();
        if (strategy == ListStrategy.Offset)
        {
            // Offsets shift when rows before them are deleted: rows can be skipped. Reported only.
            output.WriteLine($"Offset missed {missed.Count} of {stable.Count} rows that existed throughout (e.g. {string.Join(", ", missed.Take(10))}).");
            return;
        }

        Assert.True(missed.Count == 0, $"{missed.Count} rows that existed throughout were missed, e.g. {string.Join(", ", missed.Take(10))}.");
        Assert.Equal(ids.Order(), ids);

        // The snapshot bound is the highest ID the probe saw: nothing above it comes back, and
        // rows above it did get inserted during the read (so the bound was really exercised).
        var high = ProbedHigh(recorder);
        Assert.True(ids.Count == 0 || ids.Max() <= high, $"A row above the snapshot's max {high} came back: {ids.Max()}.");
        Assert.Contains(after, id => id > high);
        Assert.DoesNotContain(ids, id => id > before.Max() && id > high);
    }

    private static long ProbedHigh(Recorder recorder)
    {
        foreach (var (request, answer) in recorder.BatchAnswers)
        {
            if (!request.Contains("\"high\"", StringComparison.Ordinal))
            {
                continue;
            }

            using var document = JsonDocument.Parse(answer);
            var high = document.RootElement.GetProperty("result").GetProperty("result").GetProperty("high")[0];
            return Portal.IdOf(high);
        }

        throw new Xunit.Sdk.XunitException("No probe batch was seen.");
    }
}
