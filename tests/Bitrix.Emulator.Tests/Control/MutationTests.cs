using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Emulator.Tests.Control;

/// <summary>Deals inserted and deleted while clients read (<see cref="EmulatorOptions.MutateRate"/>), on a fake clock.</summary>
public sealed class MutationTests : PortalTestBase
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task Mutations_land_at_the_configured_rate_and_ids_only_grow()
    {
        var portal = Portal(rate: 10);
        var seeded = await portal.Emulator.GetIdsAsync("crm.deal");

        for (var second = 0; second < 10; second++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        var stats = await portal.Emulator.GetStatsAsync();
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");
        Assert.Equal(100, stats.MutationInserts + stats.MutationDeletes);
        Assert.True(stats.MutationInserts > 0 && stats.MutationDeletes > 0, $"{stats.MutationInserts} inserts, {stats.MutationDeletes} deletes");
        var top = seeded[^1];
        Assert.Equal(120, seeded.Count);
        Assert.Equal(120 + stats.MutationInserts - stats.MutationDeletes, ids.Count);
        Assert.Equal(top + stats.MutationInserts, stats.MaxIds["crm.deal"]);
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var inserted = ids.Where(id => id > top).ToList();
        Assert.All(inserted, id => Assert.InRange(id, top + 1, top + stats.MutationInserts));
        // Every delete removed either a seeded deal or an inserted one.
        Assert.Equal(stats.MutationDeletes, (seeded.Count - ids.Count(id => id <= top)) + (stats.MutationInserts - inserted.Count));
    }

    [Fact]
    public async Task Nothing_changes_while_the_clock_stands_still()
    {
        var portal = Portal(rate: 50);

        await portal.GetAsync("crm.deal.list");
        var stats = await portal.Emulator.GetStatsAsync();

        Assert.Equal(0, stats.MutationInserts + stats.MutationDeletes);
        Assert.Equal(120, stats.EntityCounts["crm.deal"]);
    }

    [Fact]
    public async Task Inserted_deals_are_readable_and_a_client_add_takes_the_next_id()
    {
        var portal = Portal(rate: 20);
        _clock.Advance(TimeSpan.FromSeconds(5));
        var stats = await portal.Emulator.GetStatsAsync();
        var newest = (await portal.Emulator.GetIdsAsync("crm.deal"))[^1];

        var get = await portal.PostJsonAsync("crm.deal.get", new { id = newest });
        var added = (long)(await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "after mutations" } })).Result!;

        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal(stats.MaxIds["crm.deal"] + 1, added);
    }

    [Fact]
    public async Task A_cursor_read_sees_rows_inserted_behind_it_and_never_a_deleted_one()
    {
        var portal = Portal(rate: 40);
        var lastSeeded = (await portal.IdsAsync("crm.deal"))[^1];
        var seen = new List<long>();
        long last = 0;

        while (true)
        {
            var page = await portal.PostJsonAsync("crm.deal.list", new { order = new { ID = "ASC" }, filter = new Dictionary<string, object> { [">ID"] = last }, select = new[] { "ID" }, start = -1 });
            var ids = page.Result.Ids();
            seen.AddRange(ids);
            _clock.Advance(TimeSpan.FromSeconds(1));
            if (ids.Count < 50)
            {
                break;
            }

            last = ids[^1];
        }

        var stats = await portal.Emulator.GetStatsAsync();
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Contains(seen, id => id > lastSeeded);
        Assert.True(stats.MutationInserts > 0);
    }

    [Fact]
    public async Task Reset_restarts_the_mutations_from_the_seed()
    {
        var portal = Portal(rate: 10);
        _clock.Advance(TimeSpan.FromSeconds(3));
        var firstRun = await portal.Emulator.GetIdsAsync("crm.deal");

        await portal.Emulator.ResetAsync();
        var afterReset = await portal.Emulator.GetStatsAsync();
        _clock.Advance(TimeSpan.FromSeconds(3));
        var secondRun = await portal.Emulator.GetIdsAsync("crm.deal");

        Assert.Equal(0, afterReset.MutationInserts + afterReset.MutationDeletes);
        Assert.Equal(firstRun, secondRun);
    }

    private PortalClient Portal(double rate)
    {
        var options = Small();
        options.TimeProvider = _clock;
        options.MutateRate = rate;
        return InProcess(options);
    }
}
