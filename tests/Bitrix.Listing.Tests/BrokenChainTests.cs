namespace Bitrix.Listing.Tests;

/// <summary>The last batch of a chain runs past the end of the list, where references do not resolve (docs/protocol.md §4).</summary>
public sealed class BrokenChainTests
{
    private const int RowsPerBatch = 2_500;

    [Theory]
    [InlineData(2_510, ListStrategy.ChainedCursor)]
    [InlineData(2_510, ListStrategy.ParallelCursor)]
    [InlineData(2_510, ListStrategy.Auto)]
    [InlineData(2_549, ListStrategy.ChainedCursor)]
    [InlineData(5_001, ListStrategy.ChainedCursor)]
    [InlineData(5_001, ListStrategy.ParallelCursor)]
    [InlineData(7_321, ListStrategy.ParallelCursor)]
    public async Task A_chain_that_runs_past_the_end_stops_with_exactly_the_id_set(int size, ListStrategy strategy)
    {
        var recorder = new Recorder();
        await using var portal = new Portal(o => o.Deals = size, recorder.Wrap);

        var ids = await portal.ListIdsAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, strategy);

        Assert.Equal(await portal.Emulator.GetIdsAsync("crm.deal"), ids);
        if (strategy == ListStrategy.ChainedCursor)
        {
            // The probe, one batch per 2,500 rows, and one batch that finds the short page.
            Assert.Equal(1 + (size / RowsPerBatch) + 1, recorder.Requests);
        }
        else
        {
            // Each range of ~2,500 rows ends within two batches.
            Assert.InRange(recorder.Requests, 2, 1 + (2 * ((size / RowsPerBatch) + 1)));
        }
    }

    public static TheoryData<int, Garbage, ListStrategy> StubCases()
    {
        var data = new TheoryData<int, Garbage, ListStrategy>();
        foreach (var size in new[] { 0, 1, 120, 2_990 })
        {
            foreach (var garbage in Enum.GetValues<Garbage>())
            {
                data.Add(size, garbage, ListStrategy.ChainedCursor);
                data.Add(size, garbage, ListStrategy.ParallelCursor);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StubCases))]
    public async Task Garbage_pages_behind_a_short_page_are_neither_returned_nor_followed(int size, Garbage garbage, ListStrategy strategy)
    {
        // IDs with gaps: 7, 10, 13, ...
        var all = Enumerable.Range(0, size).Select(i => 7 + (3L * i)).ToList();

        // The parallel cursor plans its pages from counts and never chains past a counted end;
        // counts that overstate (rows deleted after counting) make it meet broken references.
        var stub = new StubPortal(all, garbage, overcount: strategy == ListStrategy.ParallelCursor ? 120 : 0);
        await using var client = stub.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var ids = new List<long>();
        await foreach (var row in client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = strategy }, timeout.Token))
        {
            ids.Add(Portal.IdOf(row));
        }

        Assert.Equal(all, ids);
        Assert.True(size == 0 || stub.GarbagePages > 0, "The stub never had to answer a broken reference.");
        Assert.InRange(stub.Requests, 1, strategy == ListStrategy.ChainedCursor ? 2 + (size / RowsPerBatch) : 1 + (2 * ((size / RowsPerBatch) + 1)));
    }

    [Theory]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    public async Task Descending_chains_ignore_garbage_too(ListStrategy strategy)
    {
        var all = Enumerable.Range(0, 2_620).Select(i => 7 + (3L * i)).ToList();
        foreach (var garbage in Enum.GetValues<Garbage>())
        {
            var stub = new StubPortal(all, garbage);
            await using var client = stub.CreateClient();
            var ids = new List<long>();
            await foreach (var row in client.ListAllAsync("crm.deal.list", new JsonObject { ["order"] = new JsonObject { ["ID"] = "DESC" } }, new ListOptions { Strategy = strategy }))
            {
                ids.Add(Portal.IdOf(row));
            }

            Assert.Equal(Enumerable.Reverse(all), ids);
        }
    }
}
