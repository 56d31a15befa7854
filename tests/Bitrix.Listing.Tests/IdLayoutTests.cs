using Bitrix.Emulator;
using Xunit.Abstractions;

namespace Bitrix.Listing.Tests;

/// <summary>
/// Every strategy on every ID layout the emulator seeds, for the three list shapes (legacy rows,
/// wrapped camelCase items, wrapped tasks): the exact ID set in order, and no more requests than
/// the strategy's floor allows. Counts, not timings.
/// </summary>
public sealed class IdLayoutTests(ITestOutputHelper output)
{
    private const int RowsPerBatch = 2_500;

    public static TheoryData<IdLayout, ListStrategy, string, int> Cases()
    {
        var data = new TheoryData<IdLayout, ListStrategy, string, int>();
        foreach (var layout in Enum.GetValues<IdLayout>())
        {
            foreach (var strategy in Enum.GetValues<ListStrategy>())
            {
                foreach (var method in new[] { "crm.deal.list", "crm.item.list", "tasks.task.list" })
                {
                    foreach (var size in new[] { 0, 1, 2_501, 100_000 })
                    {
                        data.Add(layout, strategy, method, size);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_layout_comes_back_exactly_at_the_strategy_s_floor(IdLayout layout, ListStrategy strategy, string method, int size)
    {
        var recorder = new Recorder();
        var tasks = method.StartsWith("tasks.", StringComparison.Ordinal);
        await using var portal = new Portal(
            o =>
            {
                o.IdLayout = layout;
                o.Deals = tasks ? 0 : size;
                o.Tasks = tasks ? size : 0;
            },
            recorder.Wrap);
        var (parameters, idKey) = method switch
        {
            "crm.item.list" => (new JsonObject { ["entityTypeId"] = 2, ["select"] = new JsonArray("id", "title") }, "id"),
            "tasks.task.list" => (new JsonObject { ["select"] = new JsonArray("ID", "TITLE") }, "id"),
            _ => (new JsonObject { ["select"] = new JsonArray("ID", "TITLE") }, "ID"),
        };

        var ids = await portal.ListIdsAsync(method, parameters, strategy, idKey);

        var expected = await portal.Emulator.GetIdsAsync(tasks ? "tasks.task" : "crm.deal");
        Assert.Equal(size, expected.Count);
        Assert.Equal(expected, ids);
        var batches = (size + RowsPerBatch - 1) / RowsPerBatch;
        var allowed = strategy switch
        {
            // One probe batch, then at most two batches above ceil(N / 2,500) (no nearly empty ones).
            ListStrategy.Auto or ListStrategy.ParallelCursor => 1 + (size == 0 ? 0 : batches + 2),

            // One probe, then full chains one after another; the last one comes back short.
            ListStrategy.ChainedCursor => 1 + (size == 0 ? 0 : batches + 1),

            // The first page alone (it brings the total), then the other offsets in batches that
            // grow shorter with depth (deep offsets cost the server time per skipped row): the
            // layout does not change how many.
            _ => 1 + (size <= 50 ? 0 : 2 * batches),
        };
        output.WriteLine($"{layout} {strategy} {method} {size}: {recorder.Requests} requests (allowed {allowed}, ceil(N/2500) = {batches})");
        Assert.InRange(recorder.Requests, 1, allowed);
    }

    [Theory]
    [InlineData(IdLayout.Gaps)]
    [InlineData(IdLayout.Blocks)]
    [InlineData(IdLayout.Adversarial)]
    public async Task Descending_order_on_every_layout_is_exact_at_the_floor(IdLayout layout)
    {
        const int size = 30_000;
        var recorder = new Recorder();
        await using var portal = new Portal(o => (o.IdLayout, o.Deals) = (layout, size), recorder.Wrap);

        var ids = await portal.ListIdsAsync("crm.deal.list", new JsonObject { ["order"] = new JsonObject { ["ID"] = "DESC" }, ["select"] = new JsonArray("ID") }, ListStrategy.ParallelCursor);

        Assert.Equal((await portal.Emulator.GetIdsAsync("crm.deal")).Reverse(), ids);
        Assert.InRange(recorder.Requests, 1, 1 + ((size + RowsPerBatch - 1) / RowsPerBatch) + 2);
    }

    [Theory]
    [InlineData(IdLayout.Gaps)]
    [InlineData(IdLayout.Adversarial)]
    public async Task Caller_id_bounds_cut_the_layout_and_stay_exact(IdLayout layout)
    {
        var recorder = new Recorder();
        await using var portal = new Portal(o => (o.IdLayout, o.Deals) = (layout, 40_000), recorder.Wrap);
        var all = await portal.Emulator.GetIdsAsync("crm.deal");
        var (from, to) = (all[3_000], all[^2]);

        var ids = await portal.ListIdsAsync("crm.deal.list", new JsonObject { ["filter"] = new JsonObject { [">=ID"] = from, ["<ID"] = to } }, ListStrategy.Auto);

        var expected = all.Where(id => id >= from && id < to).ToList();
        Assert.Equal(expected, ids);
        Assert.InRange(recorder.Requests, 1, 1 + ((expected.Count + RowsPerBatch - 1) / RowsPerBatch) + 2);
    }
}

/// <summary>Counts that understate a piece (rows came to match the filter after the count) never end it early.</summary>
public sealed class UndercountTests
{
    [Theory]
    [InlineData(2_990, 30)]
    [InlineData(30_000, 49)]
    [InlineData(30_000, 120)]
    public async Task A_piece_holding_more_rows_than_its_count_is_read_to_its_end(int size, int undercount)
    {
        // IDs with gaps: 7, 10, 13, ...; every count is short by `undercount` rows.
        var all = Enumerable.Range(0, size).Select(i => 7 + (3L * i)).ToList();
        var stub = new StubPortal(all, Garbage.LowerIds, overcount: -undercount);
        await using var client = stub.CreateClient();

        var ids = new List<long>();
        await foreach (var row in client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = ListStrategy.ParallelCursor }))
        {
            ids.Add(Portal.IdOf(row));
        }

        Assert.Equal(all, ids);
    }
}

/// <summary>Pages refused for the method's operating time inside packed batches: each piece resumes from its last row.</summary>
public sealed class PackedRefusalTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(IdLayout.Gaps)]
    [InlineData(IdLayout.Adversarial)]
    public async Task Pages_refused_mid_batch_are_asked_again_and_the_set_stays_exact(IdLayout layout)
    {
        var recorder = new Recorder();
        await using var portal = new Portal(
            o =>
            {
                (o.IdLayout, o.Deals) = (layout, 20_000);

                // About four batches of pages fit the budget; it frees a second after it fills.
                o.OperatingLimitSeconds = 0.5;
                o.OperatingWindow = TimeSpan.FromSeconds(1);
            },
            recorder.Wrap);

        var ids = await portal.ListIdsAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, ListStrategy.ParallelCursor);

        var stats = await portal.Emulator.GetStatsAsync();
        output.WriteLine($"{layout}: {recorder.Requests} requests, {stats.Rejected429} pages refused with 429");
        Assert.Equal(await portal.Emulator.GetIdsAsync("crm.deal"), ids);
        Assert.True(stats.Rejected429 > 0, "the budget never refused a page");
    }
}
