namespace Bitrix.Generator.IntegrationTests;

/// <summary>The generated <c>ChangesAsync</c> of an entity: typed rows, the same checkpoint and counters as the raw feed.</summary>
public class ChangeFeedTests
{
    [Fact]
    public async Task Typed_deal_changes_deliver_the_edited_and_added_rows_once_with_their_modification_time()
    {
        await using var portal = new PortalScope(deals: 300);
        var full = portal.Client.Crm.Deal.ChangesAsync(null, select: [Deal.Field.Id, Deal.Field.Title]);
        var everything = await full.ToListAsync();

        Assert.True(full.Completed);
        Assert.Equal(await portal.Emulator.GetIdsAsync("crm.deal"), everything.Select(d => d.Id!.Value));
        Assert.All(everything, d => Assert.NotNull(d.DateModify));

        var ids = everything.Select(d => d.Id!.Value).ToList();
        await portal.Client.Crm.Deal.UpdateAsync(ids[7], new DealFields { Title = "changed 7" });
        await portal.Client.Crm.Deal.UpdateAsync(ids[250], new DealFields { Title = "changed 250" });
        var added = await portal.Client.Crm.Deal.AddAsync(new DealFields { Title = "new" });

        var second = portal.Client.Crm.Deal.ChangesAsync(full.Checkpoint, select: [Deal.Field.Id, Deal.Field.Title]);
        var changed = await second.ToListAsync();

        Assert.Equal([ids[7], ids[250], added], changed.Select(d => d.Id!.Value));
        Assert.Equal(["changed 7", "changed 250", "new"], changed.Select(d => d.Title));
        Assert.All(changed, d => Assert.True(d.DateModify >= full.Checkpoint.Since));
        Assert.Equal(3, second.Delivered);
        Assert.Equal(0, second.SkippedDuplicates);
    }

    [Fact]
    public async Task A_typed_filter_narrows_the_changes_and_a_feed_is_read_once()
    {
        await using var portal = new PortalScope(deals: 200);
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");
        var since = SyncCheckpoint.From(DateTimeOffset.UtcNow.AddSeconds(-1));
        await portal.Client.Crm.Deal.UpdateAsync(ids[10], new DealFields { Title = "keep" });
        await portal.Client.Crm.Deal.UpdateAsync(ids[20], new DealFields { Title = "drop" });

        var feed = portal.Client.Crm.Deal.ChangesAsync(since, Deal.Filter.Id == ids[10]);
        var rows = await feed.ToListAsync();

        Assert.Equal([ids[10]], rows.Select(d => d.Id!.Value));
        Assert.Throws<InvalidOperationException>(() => feed.GetAsyncEnumerator());
    }

    [Fact]
    public async Task Crm_items_and_tasks_filter_on_their_own_modification_fields()
    {
        await using var portal = new PortalScope(deals: 100);
        var since = SyncCheckpoint.From(DateTimeOffset.UtcNow.AddSeconds(-1));
        var deal = (await portal.Emulator.GetIdsAsync("crm.deal"))[40];
        var task = (await portal.Emulator.GetIdsAsync("tasks.task"))[60];
        await portal.Client.Crm.Item.UpdateAsync(2, deal, new CrmItemFields { Title = "changed" });
        await portal.Client.Tasks.Task.UpdateAsync(task, new TaskItemFields { Title = "changed" });

        var items = await portal.Client.Crm.Item.ChangesAsync(2, since).ToListAsync();
        var tasks = await portal.Client.Tasks.Task.ChangesAsync(since, select: [TaskItem.Field.Id, TaskItem.Field.Title]).ToListAsync();

        Assert.Equal([deal], items.Select(i => i.Id!.Value));
        Assert.NotNull(items[0].UpdatedTime);
        Assert.Equal([task], tasks.Select(t => t.Id!.Value));
        Assert.Equal("changed", tasks[0].Title);
        Assert.NotNull(tasks[0].ChangedDate);
    }

    [Fact]
    public async Task Offsets_are_refused_before_anything_is_sent()
    {
        await using var portal = new PortalScope(deals: 10);
        var before = (await portal.Emulator.GetStatsAsync()).Requests;

        Assert.Throws<ArgumentException>(() => portal.Client.Crm.Deal.ChangesAsync(null, options: new ChangeOptions { Strategy = ListStrategy.Offset }));
        Assert.Equal(before, (await portal.Emulator.GetStatsAsync()).Requests);
    }
}
