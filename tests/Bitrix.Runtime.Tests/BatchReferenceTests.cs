using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Runtime.Tests;

/// <summary>
/// Text the portal would substitute inside a batch (<c>$result[...]</c> and its kin) is never
/// packed into a batch the client builds itself: such items go alone, as JSON, and are stored as given.
/// </summary>
public sealed class BatchReferenceTests
{
    public static TheoryData<string, bool> Texts() => new()
    {
        { "$result[0]", true },
        { "see $result[0] here", true },
        { "$result[x][y]", true },
        { "$RESULT[0]", true },
        { "$Next[page]", true },
        { "$total[a]", true },
        { "$error[a]", true },
        { "$time[a][start]", true },
        { "$resultx[0]", true },
        { "$result.[0]", true },
        { "$totally[0]", true },
        { "$result", false },
        { "$result[]", false },
        { "$result [0]", false },
        { "$result\t[0]", false },
        { "result[0]", false },
        { "$results", false },
        { "$other[0]", false },
        { "100 % & + [] \"quotes\" 'x'", false },
        { "$", false },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void References_are_told_apart_from_text_the_portal_leaves_alone(string text, bool reference)
    {
        Assert.Equal(reference, BatchReferences.InValue(text));
        Assert.Equal(reference, BatchReferences.Contains(new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = text } }));
        Assert.Equal(reference, BatchReferences.Contains(new JsonObject { ["list"] = new JsonArray("a", text) }));
        Assert.Equal(!reference, PhpQueryEncoder.SafeInPackedBatch(new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = text } }));
    }

    [Fact]
    public void A_key_holding_a_reference_is_found_too()
    {
        Assert.True(BatchReferences.Contains(new JsonObject { ["fields"] = new JsonObject { ["$x[1]"] = "a" } }));
        Assert.False(BatchReferences.Contains(new JsonObject { ["fields"] = new JsonObject { ["$x"] = "a" } }));
    }

    [Fact]
    public async Task Bulk_adds_store_text_that_a_batch_would_rewrite_exactly_as_given()
    {
        await using var portal = TestPortal.Create();
        string[] titles = ["first", "$result[0]", "see $result[0] here", "$RESULT[0][ID]", "plain", "$next[0] and $total[0]"];

        var results = await portal.Client.CallManyAsync("crm.deal.add", titles.Select(t => (JsonObject?)new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = t, ["COMMENTS"] = t } }));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        var rows = await portal.Emulator.GetRowsAsync("crm.deal", results.Select(r => r.Result!.Value.GetInt64()));
        Assert.Equal(titles, rows.Select(r => (string?)r["TITLE"]));
        Assert.Equal(titles, rows.Select(r => (string?)r["COMMENTS"]));

        // The two plain items share one batch; the four with references went alone, as JSON bodies.
        var sent = portal.Recorder.RestRequests;
        Assert.Equal(1, sent.Count(r => r.RestMethod == "batch"));
        var alone = sent.Where(r => r.RestMethod == "crm.deal.add").Select(r => (string?)r.Json!["fields"]!["TITLE"]).ToList();
        Assert.Equal(titles.Where(BatchReferences.InValue).Order(StringComparer.Ordinal), alone.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_thousand_adds_with_one_percent_carrying_references_need_twenty_batches_and_ten_single_calls()
    {
        await using var portal = TestPortal.Create(TestPortal.Options(deals: 0));
        var titles = Enumerable.Range(0, 1000).Select(i => i % 100 == 7 ? $"deal {i} copied from $result[{i % 50}][ID]" : $"deal {i}").ToList();

        var results = await portal.Client.CallManyAsync("crm.deal.add", titles.Select(t => (JsonObject?)new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = t } }));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        var rows = await portal.Emulator.GetRowsAsync("crm.deal", results.Select(r => r.Result!.Value.GetInt64()));
        Assert.Equal(titles, rows.Select(r => (string?)r["TITLE"]));

        // 990 plain items in 20 batches (19 x 50 + 40), 10 alone: 30 requests, the ceiling is 20 + 10.
        var sent = portal.Recorder.RestRequests;
        Assert.Equal(20, sent.Count(r => r.RestMethod == "batch"));
        Assert.Equal(10, sent.Count(r => r.RestMethod == "crm.deal.add"));
        Assert.Equal(30, await portal.RequestsAsync());
    }

    [Fact]
    public async Task Auto_batching_sends_a_call_with_reference_text_on_its_own()
    {
        var clock = new FakeTimeProvider();
        var window = TimeSpan.FromMilliseconds(5);
        await using var portal = TestPortal.Create(clientOptions: Fast.Options(o => { o.AutoBatch = true; o.AutoBatchWindow = window; o.TimeProvider = clock; }));
        string[] titles = ["a", "$result[0]", "b", "x $result[1][ID] y", "c"];

        var calls = titles.Select(t => portal.Client.CallAsync("crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = t } })).ToList();
        clock.Advance(window);
        var ids = new List<long>();
        foreach (var call in calls)
        {
            ids.Add((await call).GetInt64());
        }

        var rows = await portal.Emulator.GetRowsAsync("crm.deal", ids);
        Assert.Equal(titles, rows.Select(r => (string?)r["TITLE"]));
        var sent = portal.Recorder.RestRequests;
        Assert.Equal(1, sent.Count(r => r.RestMethod == "batch"));
        Assert.Equal(2, sent.Count(r => r.RestMethod == "crm.deal.add"));
    }

    [Fact]
    public async Task An_explicit_batch_is_the_callers_query_and_reports_which_commands_the_portal_rewrites()
    {
        await using var portal = TestPortal.Create();
        var batch = new BitrixBatch()
            .Add("first", "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "first" } })
            .Add("copy", "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "see $result[first] here" } })
            .Add("plain", "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "100 % [] & +" } })
            .Add("read", "crm.deal.get", new JsonObject { ["id"] = "$result[copy]" });

        Assert.Equal(["copy", "read"], batch.CommandsWithReferences);

        var answer = await portal.Client.BatchAsync(batch);
        var first = answer["first"].Result!.Value.GetInt64();
        Assert.Equal($"see {first} here", answer["read"].Result!.Value.GetProperty("TITLE").GetString());
    }
}
