using System.Text.Json.Nodes;

namespace Bitrix.Generator.IntegrationTests;

/// <summary>The generated deal API against the emulated portal: compiled by the real compiler, run for real.</summary>
public class DealApiTests
{
    [Fact]
    public async Task ListAllAsync_streams_every_deal_as_typed_rows()
    {
        await using var portal = new PortalScope(deals: 120);

        var deals = await portal.Client.Crm.Deal.ListAllAsync().ToListAsync();

        Assert.Equal(120, deals.Count);
        Assert.Equal(120, deals.Select(d => d.Id).Distinct().Count());
        Assert.All(deals, d =>
        {
            Assert.NotNull(d.Id);
            Assert.False(string.IsNullOrEmpty(d.Title));
            Assert.NotNull(d.Opportunity);
            Assert.NotNull(d.DateCreate);
            Assert.NotNull(d.StageId);
        });
    }

    [Fact]
    public async Task ListAsync_reads_one_page_with_total_and_next()
    {
        await using var portal = new PortalScope(deals: 120);

        var page = await portal.Client.Crm.Deal.ListAsync(order: [Deal.Field.Id.Ascending]);
        var last = await portal.Client.Crm.Deal.ListAsync(order: [Deal.Field.Id.Ascending], start: 100);

        Assert.Equal(50, page.Items.Count);
        Assert.Equal(120, page.Total);
        Assert.Equal(50, page.Next);
        Assert.Equal(20, last.Items.Count);
        Assert.Null(last.Next);
    }

    [Fact]
    public async Task Typed_filter_select_and_order_reach_the_portal()
    {
        await using var portal = new PortalScope(deals: 120);
        var filter = Deal.Filter.StageId.In("NEW", "WON") & Deal.Filter.Opportunity >= 1000m;

        var deals = await portal.Client.Crm.Deal.ListAllAsync(filter, select: [Deal.Field.Id, Deal.Field.StageId, Deal.Field.Opportunity], order: [Deal.Field.Opportunity.Descending]).ToListAsync();
        var raw = await portal.Client.CallRawAsync("crm.deal.list", new JsonObject { ["filter"] = new JsonObject { ["@STAGE_ID"] = new JsonArray("NEW", "WON"), [">=OPPORTUNITY"] = 1000 } });

        Assert.NotEmpty(deals);
        Assert.Equal(raw.Total, deals.Count);
        Assert.All(deals, d =>
        {
            Assert.Contains(d.StageId, new[] { "NEW", "WON" });
            Assert.True(d.Opportunity >= 1000m);
            Assert.Null(d.Title);
        });
        Assert.Equal(deals.Select(d => d.Opportunity).OrderDescending(), deals.Select(d => d.Opportunity));
    }

    [Fact]
    public async Task GetAsync_and_GetManyAsync_read_by_ID_with_per_item_errors()
    {
        await using var portal = new PortalScope(deals: 20);
        var ids = (await portal.Emulator.GetIdsAsync("crm.deal")).Take(3).ToList();

        var one = await portal.Client.Crm.Deal.GetAsync(ids[0]);
        var viaRuntime = await portal.Client.CallAsync("crm.deal.get", new JsonObject { ["id"] = ids[0] }, Deal.JsonTypeInfo);
        var many = await portal.Client.Crm.Deal.GetManyAsync([ids[0], 999_999, ids[1], ids[2]]);
        var error = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.Crm.Deal.GetAsync(999_999));

        Assert.Equal(ids[0], one.Id);
        Assert.Equal(one, viaRuntime);
        Assert.Equal(4, many.Count);
        Assert.Equal([true, false, true, true], many.Select(r => r.IsSuccess));
        Assert.Equal(one, many[0].GetValueOrThrow());
        Assert.Equal(ids[2], many[3].GetValueOrThrow().Id);
        Assert.Equal("Not found", many[1].Error!.Description);
        Assert.Equal("Not found", error.Description);
    }

    [Fact]
    public async Task AddAsync_writes_typed_values_that_read_back_unchanged()
    {
        await using var portal = new PortalScope(deals: 5);
        var begin = new DateOnly(2025, 3, 14);

        var id = await portal.Client.Crm.Deal.AddAsync(new DealFields
        {
            Title = "Typed deal",
            Opportunity = 19999.99m,
            CurrencyId = "EUR",
            Begindate = begin,
            IsManualOpportunity = true,
            ContactIds = [1, 2],
            Comments = "first",
        });
        var deal = await portal.Client.Crm.Deal.GetAsync(id);

        Assert.Equal(id, deal.Id);
        Assert.Equal("Typed deal", deal.Title);
        Assert.Equal(19999.99m, deal.Opportunity);
        Assert.Equal("EUR", deal.CurrencyId);
        Assert.Equal(begin, deal.Begindate);
        Assert.True(deal.IsManualOpportunity);
        Assert.Equal("first", deal.Comments);

        // crm.deal.get does not give CONTACT_IDS (crm-deal-fields.md): the links are read where the portal keeps them.
        Assert.Null(deal.ContactIds);
        var links = await portal.Client.CallRawAsync("crm.deal.contact.items.get", new JsonObject { ["id"] = id });
        Assert.Equal([1L, 2L], links.Result.EnumerateArray().Select(l => long.Parse(l.GetProperty("CONTACT_ID").ToString(), System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task UpdateAsync_sends_only_set_fields_and_null_erases()
    {
        await using var portal = new PortalScope(deals: 5);
        var id = await portal.Client.Crm.Deal.AddAsync(new DealFields { Title = "Keep me", Comments = "erase me", Opportunity = 10m });

        var change = new DealFields { Comments = null, Opportunity = 20m };
        await portal.Client.Crm.Deal.UpdateAsync(id, change);
        var deal = await portal.Client.Crm.Deal.GetAsync(id);

        Assert.Equal(["COMMENTS", "OPPORTUNITY"], change.Keys);
        Assert.True(change.IsSet("COMMENTS"));
        Assert.False(change.IsSet("TITLE"));
        Assert.Equal("""{"COMMENTS":null,"OPPORTUNITY":20}""", change.ToJson().ToJsonString());
        Assert.Equal("Keep me", deal.Title);
        Assert.Null(deal.Comments);
        Assert.Equal(20m, deal.Opportunity);
    }

    [Fact]
    public async Task An_update_of_a_set_on_add_only_field_is_refused_before_sending()
    {
        await using var portal = new PortalScope(deals: 1);
        var id = await portal.Client.Crm.Deal.AddAsync(new DealFields { Title = "In funnel 3", CategoryId = 3 });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.Crm.Deal.UpdateAsync(id, new DealFields { CategoryId = 5 }));
        var deal = await portal.Client.Crm.Deal.GetAsync(id);

        Assert.Contains("CATEGORY_ID can be set only when adding", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, deal.CategoryId);
    }

    [Fact]
    public void Unset_forgets_a_field()
    {
        var fields = new DealFields { Title = "x", Opportunity = 5m };

        fields.Unset("TITLE");

        Assert.Null(fields.Title);
        Assert.Equal(5m, fields.Opportunity);
        Assert.Equal("""{"OPPORTUNITY":5}""", fields.ToString());
    }

    [Fact]
    public async Task DeleteAsync_removes_the_deal()
    {
        await using var portal = new PortalScope(deals: 5);
        var id = await portal.Client.Crm.Deal.AddAsync(new DealFields { Title = "Short-lived" });

        await portal.Client.Crm.Deal.DeleteAsync(id);

        await Assert.ThrowsAsync<BitrixException>(() => portal.Client.Crm.Deal.GetAsync(id));
    }

    [Fact]
    public async Task Bulk_add_update_and_delete_report_one_result_per_item_in_order()
    {
        await using var portal = new PortalScope(deals: 0);
        var items = Enumerable.Range(1, 120).Select(i => new DealFields { Title = $"Bulk {i:000}", Opportunity = i, Comments = "bulk" }).ToList();

        var added = await portal.Client.Crm.Deal.AddManyAsync(items);
        var ids = added.Select(r => r.GetValueOrThrow()).ToList();
        var updated = await portal.Client.Crm.Deal.UpdateManyAsync(ids.Select(id => (id, new DealFields { Comments = null })));
        var listed = await portal.Client.Crm.Deal.ListAllAsync(Deal.Filter.Title.Like("Bulk"), order: [Deal.Field.Id.Ascending]).ToListAsync();
        var deleted = await portal.Client.Crm.Deal.DeleteManyAsync(ids.Take(10));
        var left = await portal.Client.Crm.Deal.ListAsync(Deal.Filter.Title.Like("Bulk"));

        Assert.Equal(120, added.Count);
        Assert.Equal(Enumerable.Range(0, 120), added.Select(r => r.Index));
        Assert.Equal(120, ids.Distinct().Count());
        Assert.All(updated, r => Assert.True(r.GetValueOrThrow()));
        Assert.Equal(ids, listed.Select(d => d.Id!.Value));
        Assert.Equal(Enumerable.Range(1, 120).Select(i => $"Bulk {i:000}"), listed.Select(d => d.Title));
        Assert.All(listed, d => Assert.Null(d.Comments));
        Assert.All(deleted, r => Assert.True(r.IsSuccess));
        Assert.Equal(110, left.Total);
    }

    [Fact]
    public async Task Raw_filter_and_raw_fields_reach_user_fields()
    {
        await using var portal = new PortalScope(deals: 5);
        await portal.Emulator.DeclareUserFieldAsync(new Emulator.UserFieldDeclaration("crm.deal", "UF_CRM_SCORE", "integer"));
        var fields = new DealFields { Title = "Scored" };
        fields.Set("UF_CRM_SCORE", 7);
        var id = await portal.Client.Crm.Deal.AddAsync(fields);

        var found = await portal.Client.Crm.Deal.ListAllAsync(Deal.Filter.Raw("UF_CRM_SCORE", ">=", 5), select: [Deal.Field.Id, Deal.Field.Raw("UF_CRM_SCORE")]).ToListAsync();

        var deal = Assert.Single(found);
        Assert.Equal(id, deal.Id);
        Assert.Equal("7", deal.AdditionalData!["UF_CRM_SCORE"].GetString());
    }
}
