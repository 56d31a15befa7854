using System.Text.Json.Serialization;

namespace Bitrix.Runtime.Tests;

public sealed record DealRow(string ID, string TITLE, string? COMMENTS);

public sealed record DealDto(long Id, string Title, decimal Opportunity, [property: JsonPropertyName("STAGE_ID")] string? StageId);

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DealRow))]
[JsonSerializable(typeof(List<DealRow>))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>Single calls: CallAsync (every parameter shape), CallAsync&lt;T&gt; (both overloads) and CallRawAsync.</summary>
public sealed class CallTests
{
    [Fact]
    public async Task CallAsync_with_an_anonymous_object_returns_the_result()
    {
        await using var portal = TestPortal.Create();
        var id = await portal.IdAsync("crm.deal", 6);

        var deal = await portal.Client.CallAsync("crm.deal.get", new { ID = id });

        Assert.Equal(Text(id), deal.GetProperty("ID").GetString());
        Assert.Equal(1, await portal.RequestsAsync());
    }

    [Fact]
    public async Task Every_parameter_shape_sends_the_same_json_body_and_gets_the_same_rows()
    {
        await using var portal = TestPortal.Create();
        var ids = await portal.IdsAsync();
        long low = ids[9], high = ids[14];
        var json = $$$"""{"filter":{">=ID":{{{low}}},"<ID":{{{high}}},"!STAGE_ID":"NOPE"},"select":["ID","TITLE"],"order":{"ID":"DESC"}}""";
        var anonymous = new
        {
            filter = new Dictionary<string, object> { [">=ID"] = low, ["<ID"] = high, ["!STAGE_ID"] = "NOPE" },
            select = new[] { "ID", "TITLE" },
            order = new { ID = "DESC" },
        };
        var dictionary = new Dictionary<string, object?>
        {
            ["filter"] = new Dictionary<string, object?> { [">=ID"] = low, ["<ID"] = high, ["!STAGE_ID"] = "NOPE" },
            ["select"] = new List<string> { "ID", "TITLE" },
            ["order"] = new Dictionary<string, string> { ["ID"] = "DESC" },
        };
        var jsonObject = JsonNode.Parse(json)!.AsObject();
        using var document = JsonDocument.Parse(json);

        var results = new[]
        {
            await portal.Client.CallAsync("crm.deal.list", anonymous),
            await portal.Client.CallAsync("crm.deal.list", (object)dictionary),
            await portal.Client.CallAsync("crm.deal.list", jsonObject),
            await portal.Client.CallAsync("crm.deal.list", document.RootElement),
            await portal.Client.CallAsync("crm.deal.list", (object)document),
        };

        foreach (var result in results)
        {
            Assert.Equal(ids.Skip(9).Take(5).Reverse().Select(Text), result.EnumerateArray().Select(r => r.GetProperty("ID").GetString()));
        }

        var bodies = portal.Recorder.RestRequests.Select(r => r.Json!).ToList();
        Assert.Equal(5, bodies.Count);
        Assert.All(bodies, b => Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), b), b.ToJsonString()));
        Assert.All(portal.Recorder.RestRequests, r =>
        {
            Assert.Equal(HttpMethod.Post, r.Method);
            Assert.Equal("application/json", r.ContentType);
            Assert.EndsWith("/crm.deal.list.json", r.Uri.AbsolutePath, StringComparison.Ordinal);
        });
        // The caller's JsonObject is neither changed nor adopted by the client.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), jsonObject));
        Assert.Null(jsonObject.Parent);
    }

    [Fact]
    public async Task CallAsync_without_parameters_sends_an_empty_object()
    {
        await using var portal = TestPortal.Create();

        var fields = await portal.Client.CallAsync("crm.deal.fields");

        Assert.Equal("integer", fields.GetProperty("ID").GetProperty("type").GetString());
        Assert.Equal("{}", portal.Recorder.RestRequests.Single().BodyText);
    }

    [Fact]
    public async Task Method_names_are_sent_in_lower_case()
    {
        await using var portal = TestPortal.Create();

        await portal.Client.CallAsync("CRM.Deal.Get", new { id = await portal.IdAsync("crm.deal", 0) });

        Assert.EndsWith("/rest/1/emulatorsecret/crm.deal.get.json", portal.Recorder.RestRequests.Single().Uri.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_of_T_by_reflection_reads_string_typed_numbers_case_insensitively()
    {
        await using var portal = TestPortal.Create();
        var ids = await portal.IdsAsync();
        await portal.Client.CallAsync("crm.deal.update", new { id = ids[11], fields = new { OPPORTUNITY = 19999.99m, TITLE = "Typed" } });

        var deal = await portal.Client.CallAsync<DealDto>("crm.deal.get", new { id = ids[11] });
        var list = await portal.Client.CallAsync<List<DealDto>>("crm.deal.list", new { filter = new Dictionary<string, object> { ["@ID"] = new[] { ids[11], ids[12] } }, select = new[] { "ID", "TITLE", "OPPORTUNITY", "STAGE_ID" } });

        Assert.NotNull(deal);
        Assert.Equal(ids[11], deal.Id);
        Assert.Equal("Typed", deal.Title);
        Assert.Equal(19999.99m, deal.Opportunity);
        Assert.False(string.IsNullOrEmpty(deal.StageId));
        Assert.Equal([ids[11], ids[12]], list!.Select(d => d.Id));
    }

    [Fact]
    public async Task CallAsync_of_T_with_source_generated_metadata()
    {
        await using var portal = TestPortal.Create();
        var ids = await portal.IdsAsync();
        await portal.Client.CallAsync("crm.deal.update", new JsonObject { ["id"] = ids[2], ["fields"] = new JsonObject { ["COMMENTS"] = "generated" } });

        var deal = await portal.Client.CallAsync("crm.deal.get", new JsonObject { ["id"] = ids[2] }, TestJsonContext.Default.DealRow);
        var rows = await portal.Client.CallAsync("crm.deal.list", new JsonObject { ["filter"] = new JsonObject { ["<=ID"] = ids[2] }, ["select"] = new JsonArray("ID", "TITLE", "COMMENTS") }, TestJsonContext.Default.ListDealRow);

        Assert.Equal(new DealRow(Text(ids[2]), deal!.TITLE, "generated"), deal);
        Assert.Equal(ids.Take(3).Select(Text), rows!.Select(r => r.ID));
    }

    [Fact]
    public async Task CallAsync_of_T_surfaces_portal_errors_as_BitrixException()
    {
        await using var portal = TestPortal.Create();

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.CallAsync<DealDto>("crm.deal.get", new { id = 987654 }));

        Assert.Equal("Not found", e.Description);
    }

    [Fact]
    public async Task CallRawAsync_returns_the_whole_envelope_of_a_list_page()
    {
        await using var portal = TestPortal.Create(TestPortal.Options(deals: 120));

        var first = await portal.Client.CallRawAsync("crm.deal.list", new { select = new[] { "ID" } });
        var last = await portal.Client.CallRawAsync("crm.deal.list", new { select = new[] { "ID" }, start = 100 });
        var uncounted = await portal.Client.CallRawAsync("crm.deal.list", new { select = new[] { "ID" }, start = -1, order = new { ID = "ASC" } });

        Assert.Equal(50, first.Result.GetArrayLength());
        Assert.Equal(120, first.Total);
        Assert.Equal(50, first.Next);
        Assert.Equal(20, last.Result.GetArrayLength());
        Assert.Equal(120, last.Total);
        Assert.Null(last.Next);
        Assert.Equal(50, uncounted.Result.GetArrayLength());
        Assert.Null(uncounted.Next);
        Assert.True(uncounted.Total is null or 0);

        var time = first.Time;
        Assert.NotNull(time);
        Assert.NotNull(time.Start);
        Assert.NotNull(time.Finish);
        Assert.True(time.Finish >= time.Start);
        Assert.NotNull(time.Duration);
        Assert.NotNull(time.Processing);
        Assert.NotNull(time.DateStart);
        Assert.NotNull(time.DateFinish);
        Assert.Equal(TimeSpan.FromHours(3), time.DateStart.Value.Offset);
        Assert.NotNull(time.Operating);
        Assert.NotNull(time.OperatingResetAt);
        Assert.True(time.OperatingResetAt > time.DateStart);
    }

    [Fact]
    public async Task CallRawAsync_of_a_single_value_has_no_paging_facts()
    {
        await using var portal = TestPortal.Create();

        var added = await portal.Client.CallRawAsync("crm.deal.add", new { fields = new { TITLE = "Raw" } });

        Assert.Equal(JsonValueKind.Number, added.Result.ValueKind);
        Assert.Null(added.Total);
        Assert.Null(added.Next);
        Assert.NotNull(added.Time);
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");
        Assert.Equal(ids[^1], added.Result.GetInt64());
    }

    [Fact]
    public async Task CallRawAsync_keeps_null_so_a_field_is_erased()
    {
        await using var portal = TestPortal.Create();
        var id = await portal.IdAsync("crm.deal", 4);
        await portal.Client.CallAsync("crm.deal.update", new { id, fields = new { COMMENTS = "to be erased", TITLE = "Kept" } });
        Assert.Equal("to be erased", (await portal.Client.CallAsync("crm.deal.get", new { id })).GetProperty("COMMENTS").GetString());

        var updated = await portal.Client.CallRawAsync("crm.deal.update", new { id, fields = new { COMMENTS = (string?)null } });

        Assert.True(updated.Result.GetBoolean());
        var deal = await portal.Client.CallAsync("crm.deal.get", new { id });
        Assert.Equal(JsonValueKind.Null, deal.GetProperty("COMMENTS").ValueKind);
        Assert.Equal("Kept", deal.GetProperty("TITLE").GetString());
        var sent = portal.Recorder.RestRequests.Single(r => r.RestMethod == "crm.deal.update" && r.BodyText.Contains("null", StringComparison.Ordinal));
        Assert.Equal($$$"""{"id":{{{id}}},"fields":{"COMMENTS":null}}""", sent.BodyText);
    }

    [Fact]
    public async Task CallRawAsync_with_a_json_object_keeps_null_too()
    {
        await using var portal = TestPortal.Create();
        var id = await portal.IdAsync("crm.deal", 5);
        await portal.Client.CallAsync("crm.deal.update", new { id, fields = new { COMMENTS = "x" } });

        await portal.Client.CallRawAsync("crm.deal.update", new JsonObject { ["id"] = id, ["fields"] = new JsonObject { ["COMMENTS"] = null } });

        Assert.Equal(JsonValueKind.Null, (await portal.Client.CallAsync("crm.deal.get", new { id })).GetProperty("COMMENTS").ValueKind);
    }

    [Fact]
    public async Task CallRawAsync_sends_positional_parameters_as_a_json_list()
    {
        await using var portal = TestPortal.Create();
        var taskId = (await portal.Emulator.GetIdsAsync("tasks.task"))[2];

        var first = await portal.Client.CallRawAsync("task.commentitem.add", new object[] { taskId, new { POST_MESSAGE = "First comment" } });
        var second = await portal.Client.CallRawAsync("task.commentitem.add", new JsonArray(taskId, new JsonObject { ["POST_MESSAGE"] = "Второй «комментарий»" }));
        var comments = await portal.Client.CallRawAsync("task.commentitem.getlist", new object[] { taskId });

        Assert.True(first.Result.GetInt64() > 0);
        Assert.True(second.Result.GetInt64() > first.Result.GetInt64());
        Assert.Equal(["First comment", "Второй «комментарий»"], comments.Result.EnumerateArray().Select(c => c.GetProperty("POST_MESSAGE").GetString()));
        Assert.Equal([first.Result.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), second.Result.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)], comments.Result.EnumerateArray().Select(c => c.GetProperty("ID").GetString()));
        var sent = portal.Recorder.RestRequests[0];
        Assert.Equal($$"""[{{taskId}},{"POST_MESSAGE":"First comment"}]""", sent.BodyText);
    }

    [Fact]
    public async Task Positional_parameters_need_CallRawAsync()
    {
        await using var portal = TestPortal.Create();

        await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.CallAsync("task.commentitem.getlist", new object[] { 1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.CallAsync("crm.deal.get", "ID=1"));
        await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.CallRawAsync("crm.deal.get", (JsonNode)JsonValue.Create(5)));
        await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.CallRawAsync("crm.deal.get", "ID=1"));

        Assert.Equal(0, await portal.RequestsAsync());
    }

    [Fact]
    public async Task CallAsync_without_auto_batching_sends_null_as_json_too()
    {
        await using var portal = TestPortal.Create();
        var id = await portal.IdAsync("crm.deal", 7);
        await portal.Client.CallAsync("crm.deal.update", new { id, fields = new { COMMENTS = "x" } });

        await portal.Client.CallAsync("crm.deal.update", new { id, fields = new { COMMENTS = (string?)null } });

        Assert.Equal(JsonValueKind.Null, (await portal.Client.CallAsync("crm.deal.get", new { id })).GetProperty("COMMENTS").ValueKind);
    }

    private static string Text(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
