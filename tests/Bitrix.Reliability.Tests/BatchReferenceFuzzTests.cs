using CsCheck;

namespace Bitrix.Reliability.Tests;

/// <summary>
/// CsCheck properties of text the portal substitutes inside batches: random Unicode mixed with
/// <c>$result[x][y]</c>, <c>$next[...]</c> and the characters query strings treat specially is
/// stored exactly as given through bulk adds and auto-batched calls; and the client's check for
/// such text finds everything the emulator (which substitutes as the portal does) would rewrite.
/// </summary>
public sealed class BatchReferenceFuzzTests
{
    /// <summary>Pieces of text: references of every kind and shape, near misses, specials, any Unicode.</summary>
    private static readonly Gen<string> Piece = Gen.Frequency(
        (4, Gen.OneOf<string>(
            "$result[0]", "$result[1][ID]", "$result[x][y]", "$RESULT[0]", "$Result[first][0][TITLE]", "$next[0]", "$next[page]",
            "$total[0]", "$error[0]", "$error[0][error]", "$time[0][start]", "$resultx[0]", "$result.[0]", "$result[0].", "$totally[a]",
            "$result", "$result[]", "$result [0]", "$", "$$result[0]", "result[0]", "$other[0]")),
        (4, Gen.Char["abc019 %&+=#?[]{}()\"'\\\t\r\n$"].Select(c => c.ToString())),
        (2, Gen.Int[0x80, 0xFFFF].Where(c => c is < 0xD800 or > 0xDFFF).Select(c => ((char)c).ToString())),
        (1, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)),
        (1, Gen.OneOf<string>("\u00A0", "\u2028", "\u3000", "\v", "\f")));

    private static readonly Gen<string> Text = Piece.Array[1, 8].Select(p => string.Concat(p));

    private static JsonObject Add(string text, string origin) => new()
    {
        ["fields"] = new JsonObject { ["TITLE"] = text, ["COMMENTS"] = "<" + text + ">", ["ORIGIN_ID"] = origin },
    };

    private static async Task AssertStoredAsync(Lab lab, IReadOnlyList<string> texts, IEnumerable<long> ids)
    {
        var rows = await lab.Emulator.GetRowsAsync("crm.deal", ids);
        Assert.Equal(texts.Count, rows.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(texts[i], (string?)rows[i]["TITLE"]);
            Assert.Equal("<" + texts[i] + ">", (string?)rows[i]["COMMENTS"]);
        }
    }

    [Fact]
    public async Task Any_text_round_trips_unaltered_through_bulk_adds()
    {
        await using var lab = new Lab(Lab.Open());
        var client = lab.Client();
        await Text.Array[1, 60].SampleAsync(
            async texts =>
            {
                var marker = Guid.NewGuid().ToString("N");
                var results = await client.CallManyAsync("crm.deal.add", texts.Select((t, i) => (JsonObject?)Add(t, $"{marker}-{i}")));
                Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
                await AssertStoredAsync(lab, texts, results.Select(r => r.Result!.Value.GetInt64()));
            },
            iter: Soak.Scale(60),
            threads: 1,
            print: t => string.Join(" | ", t));
    }

    [Fact]
    public async Task Any_text_round_trips_unaltered_through_auto_batched_calls()
    {
        await using var lab = new Lab(Lab.Open());
        var client = lab.Client(o => { o.AutoBatch = true; o.AutoBatchWindow = TimeSpan.FromMilliseconds(20); });
        await Text.Array[2, 30].SampleAsync(
            async texts =>
            {
                var marker = Guid.NewGuid().ToString("N");
                var ids = await Task.WhenAll(texts.Select((t, i) => client.CallAsync("crm.deal.add", Add(t, $"{marker}-{i}"))));
                await AssertStoredAsync(lab, texts, ids.Select(id => id.GetInt64()));
            },
            iter: Soak.Scale(40),
            threads: 1,
            print: t => string.Join(" | ", t));
    }

    [Fact]
    public async Task Text_the_client_lets_into_a_batch_is_never_rewritten_by_the_portal()
    {
        // An explicit batch that gives every reference something to resolve to: if the emulator
        // changes a text the client's check passed, the check missed a reference.
        await using var lab = new Lab(Lab.Open());
        var client = lab.Client();
        var rewritten = 0;
        await Text.SampleAsync(
            async text =>
            {
                var batch = new BitrixBatch()
                    .Add("0", "crm.deal.get", new JsonObject { ["id"] = 1 })
                    .Add("first", "crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID", "TITLE"), ["filter"] = new JsonObject { ["<ID"] = 3 } })
                    .Add("x", "crm.deal.get", new JsonObject { ["id"] = 2 })
                    .Add("page", "crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") })
                    .Add("1", "crm.deal.get", new JsonObject { ["id"] = "$result[x][y]" })
                    .Add("a", "crm.deal.add", Add(text, "probe"));
                var answer = await client.BatchAsync(batch);
                var id = answer["a"].Result!.Value.GetInt64();
                var stored = (string?)(await lab.Emulator.GetRowsAsync("crm.deal", [id]))[0]["TITLE"];
                if (stored != text)
                {
                    rewritten++;
                    Assert.True(BatchReferences.InValue(text), $"the portal rewrote '{text}' to '{stored}' and the client's check saw no reference");
                }

                Assert.Equal(batch.CommandsWithReferences.Contains("a"), BatchReferences.InValue(text));
            },
            iter: Soak.Scale(400),
            threads: 1);
        Assert.True(rewritten > 0, "the portal rewrote none of the texts: the property was never put to the test");
    }
}
