namespace Bitrix.Listing.Tests;

/// <summary>Lists whose rows are wrapped, keyed differently, sorted top-level, not paged, or without <c>total</c>.</summary>
public sealed class MethodShapeTests
{
    public static TheoryData<int, ListStrategy> EntityTypes()
    {
        var data = new TheoryData<int, ListStrategy>();
        foreach (var type in new[] { 1, 2, 3, 4 })
        {
            foreach (var strategy in Enum.GetValues<ListStrategy>())
            {
                data.Add(type, strategy);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EntityTypes))]
    public async Task Crm_items_of_every_entity_type_come_back_exactly(int entityTypeId, ListStrategy strategy)
    {
        await using var portal = new Portal(o =>
        {
            o.Leads = 2_530;
            o.Deals = 2_610;
            o.Contacts = 2_551;
            o.Companies = 2_499;
        });
        var entity = entityTypeId switch { 1 => "crm.lead", 2 => "crm.deal", 3 => "crm.contact", _ => "crm.company" };

        // No IdKey given: the crm.item.list profile knows its rows carry "id" inside "items".
        var rows = await portal.ListRowsAsync("crm.item.list", new JsonObject { ["entityTypeId"] = entityTypeId, ["select"] = new JsonArray("id") }, new ListOptions { Strategy = strategy });

        Assert.Equal(await portal.Emulator.GetIdsAsync(entity), rows.Select(r => Portal.IdOf(r, "id")));
    }

    [Theory]
    [InlineData(ListStrategy.Offset)]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    [InlineData(ListStrategy.Auto)]
    public async Task Tasks_honour_a_caller_filter_and_select(ListStrategy strategy)
    {
        await using var portal = new Portal(o => o.Tasks = 6_000);
        var expected = (await portal.Emulator.GetRowsAsync("tasks.task"))
            .Where(r => (string?)r["STATUS"] == "3")
            .Select(r => long.Parse((string)r["ID"]!, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

        var rows = await portal.ListRowsAsync(
            "tasks.task.list",
            new JsonObject { ["filter"] = new JsonObject { ["STATUS"] = 3 }, ["select"] = new JsonArray("ID", "TITLE", "STATUS") },
            new ListOptions { Strategy = strategy });

        Assert.NotEmpty(expected);
        Assert.True(expected.Count < 6_000 / 2, "The filter should select a minority of tasks.");
        Assert.Equal(expected, rows.Select(r => Portal.IdOf(r, "id")));
        Assert.All(rows, r => Assert.Equal("3", r.GetProperty("status").ToString()));
        Assert.All(rows, r => Assert.True(r.TryGetProperty("title", out _), "The selected title is missing."));
    }

    [Theory]
    [InlineData(ListStrategy.Offset, "ASC")]
    [InlineData(ListStrategy.Offset, "DESC")]
    [InlineData(ListStrategy.ChainedCursor, "ASC")]
    [InlineData(ListStrategy.ChainedCursor, "DESC")]
    [InlineData(ListStrategy.ParallelCursor, "DESC")]
    [InlineData(ListStrategy.Auto, "ASC")]
    [InlineData(ListStrategy.Auto, "DESC")]
    [InlineData(ListStrategy.Auto, null)]
    public async Task Users_are_read_with_top_level_sort_and_order(ListStrategy strategy, string? order)
    {
        await using var portal = new Portal(o => o.Users = 2_620);
        var parameters = new JsonObject();
        if (order is not null)
        {
            parameters["SORT"] = "ID";
            parameters["ORDER"] = order;
        }

        var ids = await portal.ListIdsAsync("user.get", parameters, strategy);

        var expected = (await portal.Emulator.GetIdsAsync("user")).ToList();
        if (order == "DESC")
        {
            expected.Reverse();
        }

        Assert.Equal(2_620, expected.Count);
        Assert.Equal(expected, ids);
    }

    [Theory]
    [InlineData(ListStrategy.Offset)]
    [InlineData(ListStrategy.Auto)]
    public async Task Departments_come_back_as_the_portal_lists_them(ListStrategy strategy)
    {
        await using var portal = new Portal(_ => { });
        var direct = await portal.Client.CallAsync("department.get", new JsonObject());

        var rows = await portal.ListRowsAsync("department.get", null, new ListOptions { Strategy = strategy });

        Assert.NotEqual(0, direct.GetArrayLength());
        Assert.Equal(direct.EnumerateArray().Select(r => r.GetRawText()), rows.Select(r => r.GetRawText()));
        await Assert.ThrowsAsync<ArgumentException>(async () => await portal.ListRowsAsync("department.get", null, new ListOptions { Strategy = ListStrategy.ChainedCursor }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("DEAL_STAGE")]
    public async Task Statuses_come_back_whole_from_a_list_that_is_not_paged(string? entityId)
    {
        await using var portal = new Portal(_ => { });
        var parameters = entityId is null ? new JsonObject() : new JsonObject { ["filter"] = new JsonObject { ["ENTITY_ID"] = entityId } };
        var direct = await portal.Client.CallAsync("crm.status.list", (JsonObject)parameters.DeepClone());

        var rows = await portal.ListRowsAsync("crm.status.list", parameters, new ListOptions());

        Assert.NotEqual(0, direct.GetArrayLength());
        Assert.Equal(direct.EnumerateArray().Select(r => r.GetRawText()), rows.Select(r => r.GetRawText()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(60)]
    public async Task Deal_contacts_come_back_without_a_total(int contacts)
    {
        await using var portal = new Portal(o =>
        {
            o.Deals = 3;
            o.Contacts = 80;
        });
        var dealId = (await portal.Emulator.GetIdsAsync("crm.deal"))[1];
        var contactIds = (await portal.Emulator.GetIdsAsync("crm.contact")).Take(contacts).ToList();
        await portal.Client.CallAsync("crm.deal.contact.items.set", new JsonObject
        {
            ["id"] = dealId,
            ["items"] = new JsonArray([.. contactIds.Select((c, i) => (JsonNode)new JsonObject { ["CONTACT_ID"] = c, ["SORT"] = (i + 1) * 10 })]),
        });
        var direct = await portal.Client.CallAsync("crm.deal.contact.items.get", new JsonObject { ["id"] = dealId });

        var rows = await portal.ListRowsAsync("crm.deal.contact.items.get", new JsonObject { ["id"] = dealId }, new ListOptions());

        Assert.Equal(contactIds, rows.Select(r => Portal.IdOf(r, "CONTACT_ID")));
        Assert.Equal(direct.EnumerateArray().Select(r => r.GetRawText()), rows.Select(r => r.GetRawText()));
    }

    [Theory]
    [InlineData(0, ListStrategy.Offset)]
    [InlineData(49, ListStrategy.Offset)]
    [InlineData(50, ListStrategy.Offset)]
    [InlineData(51, ListStrategy.Offset)]
    [InlineData(2_730, ListStrategy.Offset)]
    [InlineData(7_777, ListStrategy.Offset)]
    [InlineData(7_777, ListStrategy.Auto)]
    [InlineData(51, ListStrategy.ChainedCursor)]
    [InlineData(2_730, ListStrategy.ParallelCursor)]
    public async Task A_paged_list_that_never_reports_a_total_is_read_exactly(int size, ListStrategy strategy)
    {
        var all = Enumerable.Range(0, size).Select(i => 5 + (2L * i)).ToList();
        var stub = new StubPortal(all, Garbage.LowerIds, withTotal: false);
        await using var client = stub.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var progress = new ProgressLog();

        var ids = new List<long>();
        await foreach (var row in client.ListAllAsync("crm.example.list", null, new ListOptions { Strategy = strategy, Progress = progress }, timeout.Token))
        {
            ids.Add(Portal.IdOf(row));
        }

        Assert.Equal(all, ids);
        Assert.Null(progress.Last!.ExpectedTotal);
    }
}

/// <summary>Keeps every progress report, synchronously.</summary>
public sealed class ProgressLog : IProgress<ListProgress>
{
    private readonly List<ListProgress> _reports = [];

    public ListProgress? Last
    {
        get
        {
            lock (_reports)
            {
                return _reports.LastOrDefault();
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_reports)
            {
                return _reports.Count;
            }
        }
    }

    public void Report(ListProgress value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
    }
}
