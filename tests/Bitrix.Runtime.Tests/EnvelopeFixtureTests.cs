using System.Text;
using Bitrix.Batching;
using Bitrix.Transport;

namespace Bitrix.Runtime.Tests;

/// <summary>
/// The envelope parser and the batch reader against every answer captured from live portals
/// (tests/fixtures/real-responses, counts from its README), and against shapes the docs allow.
/// </summary>
public sealed class EnvelopeFixtureTests
{
    private static readonly PortalEndpoint Endpoint = PortalEndpoint.ParseWebhook("https://portal.example/rest/1/code/");

    /// <summary>What a correct client gets from each file (fixtures README).</summary>
    /// <param name="Rows">Rows (or items) in all envelopes of the file.</param>
    /// <param name="Batches">Per batch envelope: commands that succeeded and that failed.</param>
    public sealed record Expectation(int Rows, params (int Successes, int Errors)[] Batches);

    private static readonly Dictionary<string, Expectation> Expected = new(StringComparer.Ordinal)
    {
        ["batch_list_empty"] = new(0, (1, 0)),
        ["call_batch"] = new(17, (2, 0)),
        ["call_several_success"] = new(3, (3, 0)),
        ["call_single_success"] = new(1, (1, 0)),
        ["catalog_document_element_list"] = new(95, (1, 0)),
        ["crm_category_list"] = new(52),
        ["crm_company_contact_items_get"] = new(2, (1, 0)),
        ["crm_contact_add_batch"] = new(1, (1, 0)),
        ["crm_dealcategory_stage_list"] = new(59, (4, 0)),
        ["crm_dealcategory_stage_list_batch_of_one"] = new(8, (1, 0)),
        ["crm_get_batch_mix_success_and_errors"] = new(1, (1, 2)),
        ["crm_get_batch_of_two_error"] = new(0, (0, 2)),
        ["crm_item_add"] = new(1, (1, 0)),
        ["crm_item_list"] = new(3),
        ["crm_item_productrow_list"] = new(2, (1, 0)),
        ["crm_lead_fields_success"] = new(1),
        ["crm_lead_get_batch_error"] = new(0, (0, 1)),
        ["crm_lead_list_one_page_success"] = new(39),
        ["crm_lead_list_several_pages_success"] = new(7531, (50, 0), (50, 0), (50, 0)),
        ["crm_stagehistory_list"] = new(9, (1, 0)),
        ["get_all_tasks"] = new(1570, (31, 0)),
        ["lists_element_add_batch"] = new(2, (2, 0)),
        ["single_add"] = new(1),
        ["socialnetwork_api_workgroup_list"] = new(50),
        ["stagehistory"] = new(490, (9, 0)),
        ["task_elapseditem_getlist_mixed_types"] = new(52, (50, 0)),
        ["user_fields"] = new(1),
    };

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var name in Expected.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    private sealed record Parsed(BitrixResponse Response, Dictionary<string, CommandOutcome>? Batch);

    private static List<Parsed> ParseFile(string name)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(TestFiles.RealResponses, name + ".json")))!;
        var response = root["response"]!;
        var envelopes = response is JsonArray list ? list.Select(e => e!).ToList() : [response];
        return [.. envelopes.Select(envelope =>
        {
            var parsed = EnvelopeParser.Parse(Encoding.UTF8.GetBytes(envelope.ToJsonString()), HttpStatusCode.OK, "application/json", "fixture", Endpoint);
            var isBatch = parsed.Result.ValueKind == JsonValueKind.Object && parsed.Result.TryGetProperty("result_error", out _);
            return new Parsed(parsed, isBatch ? BatchCodec.Parse(parsed.Result) : null);
        })];
    }

    /// <summary>A list result, a list wrapped in a one-member object (<c>result.tasks</c>, <c>result.items</c>, ...), or one item.</summary>
    private static int Rows(JsonElement result) => result.ValueKind switch
    {
        JsonValueKind.Array => result.GetArrayLength(),
        JsonValueKind.Object when result.EnumerateObject().Count() == 1 && result.EnumerateObject().Single().Value.ValueKind == JsonValueKind.Array
            => result.EnumerateObject().Single().Value.GetArrayLength(),
        _ => 1,
    };

    [Fact]
    public void Every_captured_file_has_an_expectation()
    {
        var files = Directory.GetFiles(TestFiles.RealResponses, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), files);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Parses_into_the_counts_the_readme_states(string name)
    {
        var expected = Expected[name];

        var parsed = ParseFile(name);

        var rows = 0;
        var batches = new List<(int, int)>();
        foreach (var envelope in parsed)
        {
            Assert.NotNull(envelope.Response.Time);
            Assert.NotNull(envelope.Response.Time.Start);
            Assert.NotNull(envelope.Response.Time.DateStart);
            if (envelope.Batch is { } outcomes)
            {
                batches.Add((outcomes.Values.Count(o => o.Error is null), outcomes.Values.Count(o => o.Error is not null)));
                rows += outcomes.Values.Where(o => o.Result is not null).Sum(o => Rows(o.Result!.Value));
                Assert.All(outcomes.Values.Where(o => o.Error is null), o => Assert.NotNull(o.Time?.Start));
            }
            else
            {
                rows += Rows(envelope.Response.Result);
            }
        }

        Assert.Equal(expected.Batches, batches);
        Assert.Equal(expected.Rows, rows);
    }

    [Fact]
    public void Several_pages_of_leads_add_up_to_the_total_and_cost_grows_with_the_offset()
    {
        var parsed = ParseFile("crm_lead_list_several_pages_success");

        var first = parsed[0].Response;
        Assert.Equal(7531, first.Total);
        Assert.Equal(50, first.Next);
        Assert.Equal(4.705594301223755, first.Time!.Operating);
        var commands = parsed.Skip(1).SelectMany(p => p.Batch!.OrderBy(c => int.Parse(c.Key[3..], System.Globalization.CultureInfo.InvariantCulture)).Select(c => c.Value)).ToList();
        Assert.Equal(150, commands.Count);
        Assert.All(commands, c => Assert.Equal(7531, c.Total));
        Assert.Equal(Enumerable.Range(2, 149).Select(i => (long?)(i * 50)), commands.Take(149).Select(c => c.Next));
        Assert.Null(commands[^1].Next);
        Assert.Equal(31, commands[^1].Result!.Value.GetArrayLength());
        var medians = parsed.Skip(1).Select(p => p.Batch!.Values.Select(c => c.Time!.Processing!.Value).Order().ElementAt(25)).ToList();
        Assert.True(medians[0] < medians[1] && medians[1] < medians[2], string.Join(", ", medians));
    }

    [Fact]
    public void Wrapped_lists_keep_their_paging_facts()
    {
        var tasks = ParseFile("get_all_tasks");
        var items = ParseFile("crm_item_list")[0].Response;
        var categories = ParseFile("crm_category_list")[0].Response;
        var groups = ParseFile("socialnetwork_api_workgroup_list")[0].Response;

        Assert.Equal((1570L, 50L), (tasks[0].Response.Total!.Value, tasks[0].Response.Next!.Value));
        Assert.Equal(50, tasks[0].Response.Result.GetProperty("tasks").GetArrayLength());
        Assert.Equal((3L, (long?)null), (items.Total!.Value, items.Next));
        Assert.Equal(1, items.Result.GetProperty("items")[0].GetProperty("id").GetInt32());
        Assert.Equal((52L, (long?)null), (categories.Total!.Value, categories.Next));
        Assert.Equal((50L, 50L), (groups.Total!.Value, groups.Next!.Value));
        Assert.Null(items.Time!.Operating);
    }

    [Fact]
    public void A_mix_of_success_and_errors_keeps_each_error()
    {
        var outcomes = ParseFile("crm_get_batch_mix_success_and_errors")[0].Batch!;

        Assert.Equal("35943", outcomes["35943"].Result!.Value.GetProperty("ID").GetString());
        Assert.Equal(1.831031084060669, outcomes["35943"].Time!.Operating);
        var errors = outcomes.Values.Where(o => o.Error is not null).Select(o => o.Error!).ToList();
        Assert.All(errors, e => Assert.Equal(string.Empty, e.Code));
        Assert.Equal(["ID is not defined or invalid.", "Not found"], errors.Select(e => e.Description).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_batch_of_one_answered_as_lists_maps_to_command_zero()
    {
        var outcomes = ParseFile("crm_dealcategory_stage_list_batch_of_one")[0].Batch!;

        var only = Assert.Single(outcomes);
        Assert.Equal("0", only.Key);
        Assert.Equal(8, only.Value.Result!.Value.GetArrayLength());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1670596904), only.Value.Time!.OperatingResetAt);
        Assert.Equal(0, only.Value.Time.Operating);
        Assert.Equal(new DateTimeOffset(2022, 12, 9, 17, 31, 44, TimeSpan.FromHours(3)), only.Value.Time.DateStart);
    }

    [Fact]
    public void Named_and_id_keyed_batches_map_back_by_name()
    {
        var named = ParseFile("call_batch")[0].Batch!;
        var byId = ParseFile("crm_dealcategory_stage_list")[0].Batch!;
        var elapsed = ParseFile("task_elapseditem_getlist_mixed_types")[0].Batch!;
        var empty = ParseFile("batch_list_empty")[0].Batch!;

        Assert.Equal(["sources", "statuses"], named.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(10, named["statuses"].Result!.Value.GetArrayLength());
        Assert.Equal(4, byId.Count);
        Assert.All(byId.Keys, k => Assert.True(int.TryParse(k, out _)));
        Assert.Equal(2, elapsed["144518"].Total);
        Assert.Equal(0, elapsed["145572"].Total);
        Assert.Equal(JsonValueKind.Array, elapsed["145572"].Result!.Value.ValueKind);
        Assert.Equal(0, empty["order0000000000"].Total);
        Assert.Equal(0, empty["order0000000000"].Result!.Value.GetArrayLength());
    }

    [Fact]
    public void A_field_catalog_parses_into_its_fields()
    {
        var fields = ParseFile("crm_lead_fields_success")[0].Response.Result;

        Assert.True(fields.EnumerateObject().Count() > 50);
        Assert.All(fields.EnumerateObject(), f =>
        {
            Assert.True(f.Value.TryGetProperty("type", out _), f.Name);
            Assert.True(f.Value.TryGetProperty("title", out _), f.Name);
        });
        Assert.Equal("integer", fields.GetProperty("ID").GetProperty("type").GetString());
    }

    // Shapes the docs and other portals allow, beyond the captured files.

    private static BitrixResponse Parse(string json, HttpStatusCode status = HttpStatusCode.OK)
        => EnvelopeParser.Parse(Encoding.UTF8.GetBytes(json), status, "application/json", "test", Endpoint);

    [Fact]
    public void String_typed_numbers_are_read_as_numbers()
    {
        var response = Parse("""{"result":[],"total":"120","next":"50","time":{"start":"1653124715.738674","finish":1653124715.792244,"duration":"0.05","processing":"0.03","operating":"4.7","operating_reset_at":"1670596904"}}""");

        Assert.Equal(120, response.Total);
        Assert.Equal(50, response.Next);
        Assert.Equal(1653124715.738674, response.Time!.Start);
        Assert.Equal(0.05, response.Time.Duration);
        Assert.Equal(4.7, response.Time.Operating);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1670596904), response.Time.OperatingResetAt);
    }

    [Theory]
    [InlineData("""{"result":1}""")]
    [InlineData("""{"result":1,"time":{}}""")]
    [InlineData("""{"result":1,"time":[]}""")]
    [InlineData("""{"result":1,"time":null}""")]
    [InlineData("""{"result":1,"time":{"start":1.5}}""")]
    [InlineData("""{"result":1,"time":{"date_start":"not a date","duration":"fast"}}""")]
    [InlineData("""{"result":1,"total":null,"next":"","time":{"start":null}}""")]
    public void Every_time_member_is_optional(string json)
    {
        var response = Parse(json);

        Assert.Equal(1, response.Result.GetInt32());
        Assert.Null(response.Next);
        Assert.Null(response.Total);
        Assert.Null(response.Time?.Duration);
        Assert.Null(response.Time?.DateStart);
        Assert.Null(response.Time?.Operating);
    }

    [Fact]
    public void Batch_sections_may_be_lists_maps_empty_lists_or_missing()
    {
        var asLists = BatchCodec.Parse(Parse("""
            {"result":{"result":[{"ID":"1"},{"ID":"2"}],"result_error":[],"result_total":["10","20"],"result_next":[5],"result_time":[{"start":1},{"start":2}]}}
            """).Result);
        var mixed = BatchCodec.Parse(Parse("""
            {"result":{"result":{"2":[1]},"result_error":{"0":{"error":"E","error_description":"d"},"1":{"error":"X"}},"result_total":{"2":"7"},"result_next":[],"result_time":[]}}
            """).Result);
        var sparse = BatchCodec.Parse(Parse("""{"result":{"result":{"a":true}}}""").Result);
        var nothing = BatchCodec.Parse(Parse("""{"result":[]}""").Result);

        Assert.Equal(["0", "1"], asLists.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((10L, 5L, 1.0), (asLists["0"].Total!.Value, asLists["0"].Next!.Value, asLists["0"].Time!.Start!.Value));
        Assert.Equal((20L, (long?)null), (asLists["1"].Total!.Value, asLists["1"].Next));
        Assert.Equal(new BitrixError("E", "d"), mixed["0"].Error);
        Assert.Equal(new BitrixError("X", string.Empty), mixed["1"].Error);
        Assert.Equal(7, mixed["2"].Total);
        Assert.Null(mixed["2"].Time);
        Assert.True(sparse["a"].Result!.Value.GetBoolean());
        Assert.Null(sparse["a"].Time);
        Assert.Empty(nothing);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("false")]
    [InlineData("[]")]
    [InlineData("\"\"")]
    public void Any_result_value_is_a_result(string value)
    {
        var response = Parse($$"""{"result":{{value}}}""");

        Assert.Equal(JsonNode.Parse(value)?.ToJsonString() ?? "null", response.Result.GetRawText());
    }
}
