using CsCheck;

namespace Bitrix.Generator.IntegrationTests;

/// <summary>
/// The generated bulk methods store text as given, including text the portal would substitute
/// inside a batch (<c>$result[x][y]</c>, <c>$next[...]</c>) and the characters query strings treat specially.
/// </summary>
public class BatchReferenceTextTests
{
    private static readonly Gen<string> Piece = Gen.Frequency(
        (4, Gen.OneOf<string>("$result[0]", "$result[x][y]", "$RESULT[1][ID]", "$next[0]", "$total[a]", "$error[0]", "$time[0][start]", "$resultx[0]", "$result", "$result[]", "$")),
        (4, Gen.Char["ab09 %&+=#?[]{}\"'\\$"].Select(c => c.ToString())),
        (2, Gen.Int[0x80, 0xFFFF].Where(c => c is < 0xD800 or > 0xDFFF).Select(c => ((char)c).ToString())),
        (1, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)));

    private static readonly Gen<string> Text = Piece.Array[1, 8].Select(p => string.Concat(p));

    [Fact]
    public async Task Typed_AddManyAsync_stores_any_text_unaltered()
    {
        await using var portal = new PortalScope(deals: 0);
        await Text.Array[1, 60].SampleAsync(
            async texts =>
            {
                var added = await portal.Client.Crm.Deal.AddManyAsync(texts.Select(t => new DealFields { Title = t, Comments = t + "|" + t }));
                var ids = added.Select(r => r.GetValueOrThrow()).ToList();
                var rows = await portal.Emulator.GetRowsAsync("crm.deal", ids);
                Assert.Equal(texts, rows.Select(r => (string?)r["TITLE"]));
                Assert.Equal(texts.Select(t => t + "|" + t), rows.Select(r => (string?)r["COMMENTS"]));
            },
            iter: 40,
            threads: 1,
            print: t => string.Join(" | ", t));
    }

    [Fact]
    public async Task Typed_UpdateManyAsync_stores_reference_text_unaltered()
    {
        await using var portal = new PortalScope(deals: 60);
        var ids = (await portal.Emulator.GetIdsAsync("crm.deal")).ToList();
        var texts = ids.Select((id, i) => i % 7 == 0 ? $"moved from $result[{i % 3}] to $next[0]" : $"plain {id}").ToList();

        var updated = await portal.Client.Crm.Deal.UpdateManyAsync(ids.Select((id, i) => (id, new DealFields { Comments = texts[i] })));

        Assert.All(updated, r => Assert.True(r.GetValueOrThrow()));
        var rows = await portal.Emulator.GetRowsAsync("crm.deal", ids);
        Assert.Equal(texts, rows.Select(r => (string?)r["COMMENTS"]));
    }
}
