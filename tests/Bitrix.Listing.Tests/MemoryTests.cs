using System.Diagnostics;
using Xunit.Abstractions;

namespace Bitrix.Listing.Tests;

/// <summary>Runs alone, so that other tests' allocations do not show in the heap samples.</summary>
[CollectionDefinition(nameof(MemoryCollection), DisableParallelization = true)]
public sealed class MemoryCollection;

/// <summary>A long list is streamed: the heap holds a window of batches, not the list.</summary>
[Collection(nameof(MemoryCollection))]
public sealed class MemoryTests(ITestOutputHelper output)
{
    private const int Deals = 1_000_000;

    [Fact]
    public async Task A_million_deals_stream_through_the_parallel_cursor_in_bounded_memory()
    {
        await using var portal = new Portal(o => o.Deals = Deals);
        var keep = Environment.GetEnvironmentVariable("LISTING_KEEP_ROWS") == "1";
        var kept = new List<JsonElement>();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = 0L;
        var livePeak = 0L;
        var rows = 0L;
        var lastId = 0L;
        var ascending = true;
        var clock = Stopwatch.StartNew();

        await foreach (var row in portal.Client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = ListStrategy.ParallelCursor }))
        {
            var id = Portal.IdOf(row);
            ascending &= id > lastId;
            lastId = id;
            if (keep)
            {
                kept.Add(row);
            }

            if (++rows % 5_000 == 0)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - baseline);
            }

            if (rows % 100_000 == 50_000)
            {
                livePeak = Math.Max(livePeak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }

        var retainedIfKept = keep ? GC.GetTotalMemory(forceFullCollection: true) - baseline : 0;
        GC.KeepAlive(kept);
        output.WriteLine($"{rows} rows in {clock.Elapsed.TotalSeconds:F1} s; heap above the baseline peaked at {peak / 1e6:F1} MB sampled as is, {livePeak / 1e6:F1} MB live after a forced collection (baseline {baseline / 1e6:F1} MB){(keep ? $"; keeping every row retained {retainedIfKept / 1e6:F1} MB" : string.Empty)}.");

        Assert.Equal(Deals, rows);
        Assert.True(ascending, "Rows came out of ID order.");

        // Measured here (1,000,000 rows of {"ID": "n"}, ~5-7 s): the live heap (GC.GetTotalMemory(true)
        // every 100,000 rows) stays ~2.6 MB above the baseline while streaming; keeping every row
        // (LISTING_KEEP_ROWS=1) retains ~92 MB. The heap sampled as is (GetTotalMemory(false), every
        // 5,000 rows) is mostly uncollected garbage (89-137 MB streaming, 169-190 MB keeping), too
        // noisy to bound, so it is only reported. The bound on the live heap sits between the two:
        // a list held in memory exceeds it 4.5 times over.
        if (keep)
        {
            Assert.True(retainedIfKept > BoundBytes, $"Keeping every row retained only {retainedIfKept / 1e6:F1} MB: the bound does not tell streaming from keeping.");
        }
        else
        {
            Assert.True(livePeak < BoundBytes, $"The live heap grew {livePeak / 1e6:F1} MB above the baseline during the read; the bound is {BoundBytes / 1e6:F0} MB.");
        }
    }

    private const long BoundBytes = 20_000_000;
}
