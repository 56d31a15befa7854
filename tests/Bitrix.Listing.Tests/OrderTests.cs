using System.Globalization;

namespace Bitrix.Listing.Tests;

/// <summary>The caller's order is honoured: by offsets for any field, by a cursor for the ID.</summary>
public sealed class OrderTests
{
    [Theory]
    [InlineData(ListStrategy.Auto)]
    [InlineData(ListStrategy.Offset)]
    public async Task An_order_on_title_descending_is_honoured(ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Deals = 3_140);
        var expected = (await portal.Emulator.GetRowsAsync("crm.deal"))
            .Select(r => (Id: long.Parse((string)r["ID"]!, CultureInfo.InvariantCulture), Title: (string?)r["TITLE"] ?? string.Empty))
            .OrderByDescending(r => r.Title, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.Id)
            .ToList();

        var rows = await portal.ListRowsAsync(
            "crm.deal.list",
            new JsonObject { ["order"] = new JsonObject { ["TITLE"] = "DESC" }, ["select"] = new JsonArray("ID", "TITLE") },
            new ListOptions { Strategy = strategy });

        Assert.True(expected.Select(r => r.Title).Distinct().Count() > 10, "Titles should vary for the order to mean something.");
        Assert.NotEqual(expected.Select(r => r.Id).Order(), expected.Select(r => r.Id));
        Assert.Equal(expected.Select(r => r.Id), rows.Select(r => Portal.IdOf(r)));
        Assert.Equal(expected.Select(r => r.Title), rows.Select(r => r.GetProperty("TITLE").GetString()));
    }

    [Theory]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    public async Task A_cursor_refuses_an_order_it_cannot_keep(ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Deals = 10);

        await Assert.ThrowsAsync<ArgumentException>(() => portal.ListIdsAsync("crm.deal.list", new JsonObject { ["order"] = new JsonObject { ["TITLE"] = "DESC" } }, strategy));
        await Assert.ThrowsAsync<ArgumentException>(() => portal.ListIdsAsync("crm.deal.list", new JsonObject { ["order"] = new JsonObject { ["ID"] = "DESC", ["TITLE"] = "ASC" } }, strategy));
    }

    [Theory]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    [InlineData(ListStrategy.Auto)]
    [InlineData(ListStrategy.Offset)]
    public async Task An_order_on_id_descending_yields_descending_ids_exactly(ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Deals = 7_603);
        var all = await portal.Emulator.GetIdsAsync("crm.deal");
        foreach (var chunk in all.Where(id => id % 5 == 0 || (id > 2_000 && id < 2_600)).Chunk(50))
        {
            await portal.Client.CallManyAsync("crm.deal.delete", chunk.Select(id => (JsonObject?)new JsonObject { ["ID"] = id }));
        }

        var expected = (await portal.Emulator.GetIdsAsync("crm.deal")).Reverse().ToList();

        var ids = await portal.ListIdsAsync("crm.deal.list", new JsonObject { ["order"] = new JsonObject { ["ID"] = "DESC" }, ["select"] = new JsonArray("ID") }, strategy);

        Assert.Equal(expected, ids);
    }

    [Theory]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    public async Task Descending_ids_within_caller_bounds_on_wrapped_rows(ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Deals = 6_050);
        var expected = (await portal.Emulator.GetIdsAsync("crm.deal")).Where(id => id >= 120 && id < 5_900).Reverse().ToList();

        var ids = await portal.ListIdsAsync(
            "crm.item.list",
            new JsonObject { ["entityTypeId"] = 2, ["order"] = new JsonObject { ["id"] = "desc" }, ["filter"] = new JsonObject { [">=id"] = 120, ["<id"] = 5_900 }, ["select"] = new JsonArray("id") },
            strategy,
            idKey: "id");

        Assert.Equal(expected, ids);
    }
}
