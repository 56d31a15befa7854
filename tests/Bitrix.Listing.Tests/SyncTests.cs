using System.Globalization;
using Xunit.Abstractions;

namespace Bitrix.Listing.Tests;

/// <summary>Change feeds over runs while deals are inserted, deleted and edited.</summary>
public sealed class SyncTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ListStrategy.Auto)]
    [InlineData(ListStrategy.ChainedCursor)]
    public async Task No_change_is_lost_between_runs_under_mutation_and_repeats_are_bounded_and_counted(ListStrategy strategy)
    {
        const double writes = 100, edits = 300;
        await using var portal = new Portal(o =>
        {
            o.Deals = 10_000;
            o.MutateRate = writes;
            o.MutateModifyRate = edits;
            o.LatencyScale = 1;
        });

        // The replica a caller would keep: the newest delivered version of every row.
        var replica = new Dictionary<long, DateTimeOffset>();
        var delivered = new HashSet<(long Id, DateTimeOffset Modified, string? Amount)>();
        SyncCheckpoint checkpoint = SyncCheckpoint.Beginning;
        for (var run = 1; run <= 3; run++)
        {
            var before = Versions(await portal.Emulator.GetRowsAsync("crm.deal"));
            var statsBefore = await portal.Emulator.GetStatsAsync();
            var feed = portal.Client.ChangesAsync("crm.deal.list", checkpoint, new JsonObject { ["select"] = new JsonArray("ID", "DATE_MODIFY", "OPPORTUNITY") }, new ChangeOptions { Strategy = strategy });
            var rows = 0;
            var repeats = 0;
            await foreach (var row in feed)
            {
                rows++;
                var id = Portal.IdOf(row);
                var modified = Modified(row);
                if (checkpoint.Since is { } since)
                {
                    Assert.True(modified >= since, $"Row {id} modified at {modified} is older than the checkpoint {since}.");
                }

                if (!delivered.Add((id, modified, row.GetProperty("OPPORTUNITY").GetString())))
                {
                    repeats++;
                }

                replica[id] = replica.TryGetValue(id, out var known) && known > modified ? known : modified;
            }

            var statsAfter = await portal.Emulator.GetStatsAsync();
            var after = Versions(await portal.Emulator.GetRowsAsync("crm.deal"));
            Assert.True(feed.Completed);
            Assert.Equal(rows, feed.Delivered);

            // Every row that existed from before the run to after it is known in the version it had
            // before the run, or a newer one: nothing modified before a checkpoint's read is lost.
            var lost = before.Where(p => after.ContainsKey(p.Key) && (!replica.TryGetValue(p.Key, out var got) || got < p.Value)).Select(p => p.Key).ToList();
            Assert.True(lost.Count == 0, $"Run {run}: {lost.Count} rows lost, e.g. {string.Join(", ", lost.Take(10))}.");

            var modifies = statsAfter.MutationModifies - statsBefore.MutationModifies;
            var inserts = statsAfter.MutationInserts - statsBefore.MutationInserts;
            output.WriteLine($"run {run}: {rows} delivered, {feed.Repeats} repeats reported ({repeats} exact repeats), {feed.SkippedDuplicates} skipped in the overlap; {modifies} edits and {inserts} inserts during the read; checkpoint since {feed.Checkpoint.Since:O}, {feed.Checkpoint.Seen.Count} remembered");
            Assert.True(modifies >= 50, $"Too few edits landed during run {run}: {modifies}.");
            if (run == 1)
            {
                Assert.True(rows >= 9_500, $"The first run is a full read: {rows} rows.");
            }
            else
            {
                // Only changed rows: each delivered row is still there after the read with a
                // modification time at or after the checkpoint, or was deleted meanwhile.
                var since = checkpoint.Since!.Value;
                var candidates = after.Count(p => p.Value >= since) + (statsAfter.MutationDeletes - statsBefore.MutationDeletes);
                Assert.True(rows <= candidates, $"Run {run} delivered {rows} rows, more than the {candidates} modified since the checkpoint or deleted.");
                Assert.True(rows < after.Count * 3 / 4, $"Run {run} delivered {rows} of {after.Count} rows: not incremental.");

                // A repeat is only a row stamped in or after the second the previous read began.
                Assert.True(repeats <= feed.Repeats, $"{repeats} exact repeats but {feed.Repeats} reported.");
                var bound = checkpoint.Seen.Count(p => checkpoint.DedupeBefore is { } d && p.Value >= d);
                Assert.True(feed.Repeats <= bound, $"{feed.Repeats} repeats, more than the {bound} rows stamped at or after the previous read's start.");
            }

            // The checkpoint goes through its JSON form, as a caller stores it.
            checkpoint = SyncCheckpoint.Parse(feed.Checkpoint.ToJson());
            Assert.Equal(feed.Checkpoint.Since, checkpoint.Since);
            Assert.Equal(feed.Checkpoint.Seen.Count, checkpoint.Seen.Count);
            await Task.Delay(700);
        }
    }

    [Fact]
    public async Task An_interrupted_read_resumes_after_its_last_row_and_delivers_each_row_once()
    {
        await using var portal = new Portal(o => o.Deals = 6_000);
        var first = portal.Client.ChangesAsync("crm.deal.list", null, new JsonObject { ["select"] = new JsonArray("ID", "DATE_MODIFY") });
        var ids = new List<long>();
        await foreach (var row in first)
        {
            ids.Add(Portal.IdOf(row));
            if (ids.Count == 3_210)
            {
                break;
            }
        }

        Assert.False(first.Completed);
        var stored = SyncCheckpoint.Parse(first.Checkpoint.ToJson());
        Assert.Equal(ids[^1], stored.Resume!.AfterId);

        var second = portal.Client.ChangesAsync("crm.deal.list", stored, new JsonObject { ["select"] = new JsonArray("ID", "DATE_MODIFY") });
        await foreach (var row in second)
        {
            ids.Add(Portal.IdOf(row));
        }

        Assert.True(second.Completed);
        Assert.Equal(await portal.Emulator.GetIdsAsync("crm.deal"), ids);
        Assert.Null(second.Checkpoint.Resume);
        Assert.NotNull(second.Checkpoint.Since);
    }

    [Fact]
    public async Task Rows_changed_through_the_api_come_back_once_and_the_next_run_is_empty()
    {
        await using var portal = new Portal(o => o.Deals = 3_000);
        var full = portal.Client.ChangesAsync("crm.deal.list", null);
        await foreach (var unused in full)
        {
        }

        Assert.Equal(3_000, full.Delivered);
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");
        var changed = new[] { ids[5], ids[1_500], ids[2_999] };
        foreach (var id in changed)
        {
            await portal.Client.CallRawAsync("crm.deal.update", new JsonObject { ["id"] = id, ["fields"] = new JsonObject { ["TITLE"] = "changed" } });
        }

        var added = (await portal.Client.CallRawAsync("crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "new" } })).Result.GetInt64();

        var second = portal.Client.ChangesAsync("crm.deal.list", full.Checkpoint);
        var got = new List<long>();
        await foreach (var row in second)
        {
            got.Add(Portal.IdOf(row));
        }

        Assert.Equal([.. changed, added], got);

        // Within the overlap the same versions are read again and recognised, unless stamped in
        // the second the previous read began (then they are repeats, and reported as such).
        var third = portal.Client.ChangesAsync("crm.deal.list", second.Checkpoint);
        var again = new List<long>();
        await foreach (var row in third)
        {
            again.Add(Portal.IdOf(row));
        }

        Assert.Equal(again.Count, third.Repeats);
        Assert.Equal(got.Count, third.Repeats + third.SkippedDuplicates);
    }

    [Fact]
    public async Task Crm_items_and_tasks_use_their_own_modification_fields()
    {
        await using var portal = new Portal(o =>
        {
            o.Deals = 500;
            o.Tasks = 500;
        });
        var since = SyncCheckpoint.From(DateTimeOffset.UtcNow.AddSeconds(-1));
        var deal = (await portal.Emulator.GetIdsAsync("crm.deal"))[250];
        var task = (await portal.Emulator.GetIdsAsync("tasks.task"))[100];
        await portal.Client.CallRawAsync("crm.item.update", new JsonObject { ["entityTypeId"] = 2, ["id"] = deal, ["fields"] = new JsonObject { ["title"] = "changed" } });
        await portal.Client.CallRawAsync("tasks.task.update", new JsonObject { ["taskId"] = task, ["fields"] = new JsonObject { ["TITLE"] = "changed" } });

        var items = portal.Client.ChangesAsync("crm.item.list", since, new JsonObject { ["entityTypeId"] = 2 });
        var itemIds = new List<long>();
        await foreach (var row in items)
        {
            itemIds.Add(Portal.IdOf(row, "id"));
        }

        var tasks = portal.Client.ChangesAsync("tasks.task.list", since, new JsonObject { ["select"] = new JsonArray("ID", "TITLE") });
        var taskIds = new List<long>();
        await foreach (var row in tasks)
        {
            taskIds.Add(Portal.IdOf(row, "id"));
        }

        Assert.Equal([deal], itemIds);
        Assert.Equal([task], taskIds);
        Assert.Contains(tasks.Checkpoint.Seen, p => p.Key == task);
    }

    [Fact]
    public async Task Deleted_ids_are_found_by_reading_ids_only_at_one_request_per_2500_rows_plus_a_probe()
    {
        var recorder = new Recorder();
        await using var portal = new Portal(o => o.Deals = 12_000, recorder.Wrap);
        var known = await portal.Emulator.GetIdsAsync("crm.deal");
        var gone = new[] { known[0], known[4_321], known[11_999] };
        foreach (var id in gone)
        {
            await portal.Client.CallRawAsync("crm.deal.delete", new JsonObject { ["id"] = id });
        }

        var requestsBefore = recorder.Requests;
        var deleted = await portal.Client.FindDeletedAsync("crm.deal.list", known);
        var requests = recorder.Requests - requestsBefore;
        output.WriteLine($"{known.Count} known IDs, {deleted.Count} deleted, {requests} requests");
        Assert.Equal(gone.Order(), deleted);
        Assert.InRange(requests, 1 + (known.Count - gone.Length + 2_499) / 2_500, 2 + (known.Count - gone.Length + 2_499) / 2_500);
    }

    [Fact]
    public async Task Offsets_order_and_start_are_refused_before_anything_is_sent()
    {
        var recorder = new Recorder();
        await using var portal = new Portal(o => o.Deals = 10, recorder.Wrap);
        Assert.Throws<ArgumentException>(() => portal.Client.ChangesAsync("crm.deal.list", null, null, new ChangeOptions { Strategy = ListStrategy.Offset }));
        Assert.Throws<ArgumentException>(() => portal.Client.ChangesAsync("crm.deal.list", null, new JsonObject { ["order"] = new JsonObject { ["DATE_MODIFY"] = "ASC" } }));
        Assert.Throws<ArgumentException>(() => portal.Client.ChangesAsync("crm.deal.list", null, new JsonObject { ["start"] = 50 }));
        Assert.Throws<ArgumentException>(() => portal.Client.ChangesAsync("crm.deal.list", SyncCheckpoint.From(DateTimeOffset.UtcNow), null, new ChangeOptions { Strategy = ListStrategy.ParallelCursor }));
        Assert.Throws<FormatException>(() => SyncCheckpoint.Parse("{\"since\": 5}"));
        Assert.Equal(0, recorder.Requests);
    }

    private static Dictionary<long, DateTimeOffset> Versions(IReadOnlyList<JsonObject> rows)
        => rows.ToDictionary(r => long.Parse((string)r["ID"]!, CultureInfo.InvariantCulture), r => DateTimeOffset.Parse((string)r["DATE_MODIFY"]!, CultureInfo.InvariantCulture));

    private static DateTimeOffset Modified(JsonElement row) => DateTimeOffset.Parse(row.GetProperty("DATE_MODIFY").GetString()!, CultureInfo.InvariantCulture);
}
