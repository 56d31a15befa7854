namespace Bitrix.Listing.Tests;

public sealed class ExactSetTests
{
    public static TheoryData<int, ListStrategy> Sizes()
    {
        var data = new TheoryData<int, ListStrategy>();
        foreach (var size in new[] { 0, 1, 49, 50, 51, 2_500, 2_501 })
        {
            foreach (var strategy in Enum.GetValues<ListStrategy>())
            {
                data.Add(size, strategy);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Deals_come_back_as_exactly_the_portal_s_id_set(int size, ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Deals = size);

        var ids = await portal.ListIdsAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID", "TITLE") }, strategy);

        Assert.Equal(await portal.Emulator.GetIdsAsync("crm.deal"), ids);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Crm_items_come_back_as_exactly_the_portal_s_id_set(int size, ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Deals = size);

        var ids = await portal.ListIdsAsync("crm.item.list", new JsonObject { ["entityTypeId"] = 2, ["select"] = new JsonArray("id", "title") }, strategy, idKey: "id");

        Assert.Equal(await portal.Emulator.GetIdsAsync("crm.deal"), ids);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Tasks_come_back_as_exactly_the_portal_s_id_set(int size, ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Tasks = size);

        var ids = await portal.ListIdsAsync("tasks.task.list", new JsonObject { ["select"] = new JsonArray("ID", "TITLE") }, strategy, idKey: "id");

        Assert.Equal(await portal.Emulator.GetIdsAsync("tasks.task"), ids);
    }

    [Theory]
    [InlineData(ListStrategy.Offset)]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    [InlineData(ListStrategy.Auto)]
    public async Task A_hundred_thousand_deals_come_back_exactly(ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Deals = 100_000);

        var ids = await portal.ListIdsAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, strategy);

        Assert.Equal(await portal.Emulator.GetIdsAsync("crm.deal"), ids);
    }

    [Theory]
    [InlineData(ListStrategy.Offset)]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    [InlineData(ListStrategy.Auto)]
    public async Task A_hundred_thousand_crm_items_come_back_exactly(ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Deals = 100_000);

        var ids = await portal.ListIdsAsync("crm.item.list", new JsonObject { ["entityTypeId"] = 2, ["select"] = new JsonArray("id") }, strategy, idKey: "id");

        Assert.Equal(await portal.Emulator.GetIdsAsync("crm.deal"), ids);
    }

    [Theory]
    [InlineData(ListStrategy.Offset)]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    [InlineData(ListStrategy.Auto)]
    public async Task A_hundred_thousand_tasks_come_back_exactly(ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Tasks = 100_000);

        var ids = await portal.ListIdsAsync("tasks.task.list", new JsonObject { ["select"] = new JsonArray("ID") }, strategy, idKey: "id");

        Assert.Equal(await portal.Emulator.GetIdsAsync("tasks.task"), ids);
    }

    [Theory]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    [InlineData(ListStrategy.Offset)]
    public async Task Gaps_in_the_ids_and_a_caller_filter_are_respected(ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Deals = 12_000);
        var all = await portal.Emulator.GetIdsAsync("crm.deal");
        var doomed = all.Where(id => id % 7 == 0 || (id > 3_000 && id < 6_000)).ToList();
        foreach (var chunk in doomed.Chunk(50))
        {
            await portal.Client.CallManyAsync("crm.deal.delete", chunk.Select(id => (JsonObject?)new JsonObject { ["ID"] = id }));
        }

        var filter = new JsonObject { [">ID"] = 100, ["<=ID"] = 11_000, ["CATEGORY_ID"] = "0" };
        var ids = await portal.ListIdsAsync("crm.deal.list", new JsonObject { ["filter"] = filter, ["select"] = new JsonArray("ID", "CATEGORY_ID") }, strategy);

        var expected = new List<long>();
        await foreach (var row in portal.Client.ListAllAsync("crm.deal.list", new JsonObject { ["filter"] = new JsonObject { ["CATEGORY_ID"] = "0" }, ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = ListStrategy.Offset }))
        {
            var id = long.Parse(row.GetProperty("ID").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            if (id > 100 && id <= 11_000)
            {
                expected.Add(id);
            }
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected, ids);
    }
}
