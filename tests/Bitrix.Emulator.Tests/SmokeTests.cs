namespace Bitrix.Emulator.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task A_list_page_has_fifty_rows_next_and_total()
    {
        await using var portal = PortalClient.InProcess(new EmulatorOptions { Deals = 120, LatencyScale = 0 });

        var first = await portal.IdAsync("crm.deal", 0);

        var answer = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID", "TITLE" } });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var rows = answer.Result!.AsArray();
        Assert.Equal(50, rows.Count);
        Assert.Equal(first.ToString(CultureInfo.InvariantCulture), (string?)rows[0]!["ID"]);
        Assert.Equal(50, (long?)answer.Json!["next"]);
        Assert.Equal(120, (long?)answer.Json!["total"]);
        Assert.NotNull(answer.Json!["time"]?["date_start"]);
    }

    [Fact]
    public async Task A_batch_chains_a_cursor_through_a_result_reference()
    {
        await using var portal = PortalClient.InProcess(new EmulatorOptions { Deals = 120, LatencyScale = 0 });
        var fiftyFirst = await portal.IdAsync("crm.deal", 50);

        var answer = await portal.PostJsonAsync("batch", new
        {
            halt = 0,
            cmd = new Dictionary<string, string>
            {
                ["p0"] = "crm.deal.list?order[ID]=ASC&filter[>ID]=0&select[]=ID&start=-1",
                ["p1"] = "crm.deal.list?order[ID]=ASC&filter[>ID]=$result[p0][49][ID]&select[]=ID&start=-1",
            },
        });

        var results = answer.Result!["result"]!;
        Assert.Equal(fiftyFirst.ToString(CultureInfo.InvariantCulture), (string?)results["p1"]![0]!["ID"]);
        Assert.Equal("array", JsonValueKindOf(answer.Result!["result_error"]));
    }

    private static string JsonValueKindOf(JsonNode? node) => node switch
    {
        JsonArray => "array",
        JsonObject => "object",
        _ => "value",
    };
}
