using System.Net.Http.Json;

namespace Bitrix.Listing.Tests;

/// <summary>
/// Lists on a server that pages as the portal does: legacy lists by page number (start rounded down to a
/// multiple of 50, a start past the end answered with the first page again), and batch references that
/// resolve to the deepest part of their path when a chain runs past the end.
/// </summary>
public sealed class PortalPagingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(49)]
    [InlineData(50)]
    [InlineData(51)]
    [InlineData(137)]
    [InlineData(2_500)]
    [InlineData(2_551)]
    public async Task Offsets_are_exact_on_a_server_that_pages_by_page_number(int size)
    {
        await using var portal = new Portal(o => o.Deals = size);

        var ids = await portal.ListIdsAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, ListStrategy.Offset);

        Assert.Equal(await portal.Emulator.GetIdsAsync("crm.deal"), ids);
    }

    [Fact]
    public async Task Offsets_past_a_total_that_shrank_give_the_first_page_again_and_no_row_twice()
    {
        // 2,600 deals; before the first batch of offset pages runs, the last 200 are deleted: the pages at
        // 2,400..2,550 now lie past the total and the server answers each with the first page again.
        var deleter = new DeleteBeforeFirstBatch();
        await using var portal = new Portal(o => o.Deals = 2_600, deleter.Wrap);
        var all = await portal.Emulator.GetIdsAsync("crm.deal");
        deleter.Ids = [.. all.Skip(2_400)];
        deleter.FirstId = all[0].ToString(System.Globalization.CultureInfo.InvariantCulture);

        var ids = await portal.ListIdsAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, ListStrategy.Offset);

        Assert.True(deleter.Deleted == 200, $"deleted {deleter.Deleted}");
        Assert.True(deleter.FirstPageAgain > 0, "no page past the end was asked for: the test proves nothing");
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(all.Take(2_400), ids);
    }

    [Theory]
    [InlineData(2_510, ListStrategy.ChainedCursor)]
    [InlineData(2_510, ListStrategy.ParallelCursor)]
    [InlineData(5_001, ListStrategy.ChainedCursor)]
    [InlineData(5_001, ListStrategy.ParallelCursor)]
    [InlineData(5_001, ListStrategy.Auto)]
    public async Task A_crm_item_chain_that_runs_past_the_end_stays_exact(int size, ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Deals = size);

        var rows = await portal.ListRowsAsync("crm.item.list", new JsonObject { ["entityTypeId"] = 2, ["select"] = new JsonArray("id") }, new ListOptions { Strategy = strategy });

        Assert.Equal(await portal.Emulator.GetIdsAsync("crm.deal"), rows.Select(r => Portal.IdOf(r, "id")));
    }

    [Theory]
    [InlineData(2_510, ListStrategy.ChainedCursor)]
    [InlineData(2_510, ListStrategy.ParallelCursor)]
    [InlineData(5_001, ListStrategy.ChainedCursor)]
    [InlineData(5_001, ListStrategy.ParallelCursor)]
    [InlineData(5_001, ListStrategy.Auto)]
    public async Task A_tasks_chain_that_runs_past_the_end_stays_exact(int size, ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Tasks = size);

        var rows = await portal.ListRowsAsync("tasks.task.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = strategy });

        Assert.Equal(await portal.Emulator.GetIdsAsync("tasks.task"), rows.Select(r => Portal.IdOf(r, "id")));
    }

    /// <summary>Deletes the given deals through the portal itself just before the first batch reaches it, then counts first pages served again.</summary>
    private sealed class DeleteBeforeFirstBatch
    {
        private int _started;

        /// <summary>The seeded IDs to delete (the portal's IDs have holes: they are looked up).</summary>
        public List<long> Ids { get; set; } = [];

        /// <summary>The first seeded ID, as the first page starts with it.</summary>
        public string FirstId { get; set; } = string.Empty;

        public int Deleted { get; private set; }

        public int FirstPageAgain { get; set; }

        public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Handler(this) { InnerHandler = inner };

        private sealed class Handler(DeleteBeforeFirstBatch owner) : DelegatingHandler
        {
            private static bool IsBatch(Uri uri) => uri.AbsolutePath.EndsWith("/batch", StringComparison.Ordinal) || uri.AbsolutePath.EndsWith("/batch.json", StringComparison.Ordinal);

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var uri = request.RequestUri!;
                if (IsBatch(uri) && Interlocked.Exchange(ref owner._started, 1) == 0)
                {
                    var root = new Uri(uri, ".");
                    foreach (var id in owner.Ids)
                    {
                        using var delete = new HttpRequestMessage(HttpMethod.Post, new Uri(root, "crm.deal.delete")) { Content = JsonContent.Create(new { id }) };
                        using var deleted = await base.SendAsync(delete, cancellationToken);
                        owner.Deleted += deleted.IsSuccessStatusCode ? 1 : 0;
                    }
                }

                var response = await base.SendAsync(request, cancellationToken);
                if (IsBatch(uri))
                {
                    var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                    if (body?["result"]?["result"] is JsonObject pages)
                    {
                        owner.FirstPageAgain += pages.Count(p => p.Value is JsonArray { Count: > 0 } rows && (string?)rows[0]!["ID"] == owner.FirstId);
                    }

                    var copy = new HttpResponseMessage(response.StatusCode) { Content = new StringContent(body?.ToJsonString() ?? string.Empty, System.Text.Encoding.UTF8, "application/json") };
                    response.Dispose();
                    return copy;
                }

                return response;
            }
        }
    }
}
