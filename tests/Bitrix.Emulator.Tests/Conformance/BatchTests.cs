using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Emulator.Tests.Conformance;

/// <summary><c>batch</c> (docs/protocol.md §4): map and list cmd, the 50-command limit, nesting, halt, references, result maps and accounting.</summary>
public sealed class BatchTests : PortalTestBase
{
    [Fact]
    public async Task A_map_cmd_answers_by_name_with_totals_and_nexts_of_lists()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.deal", 2);

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["deal"] = $"crm.deal.get?id={id}",
            ["page"] = "crm.deal.list?select[]=ID",
            ["last"] = "crm.deal.list?select[]=ID&start=100",
        });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var result = answer.Result!;
        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), (string)result["result"]!["deal"]!["ID"]!);
        Assert.Equal(50, result["result"]!["page"]!.AsArray().Count);
        Assert.Equal("[]", result["result_error"]!.ToJsonString());
        Assert.Equal("""{"page":120,"last":120}""", result["result_total"]!.ToJsonString());
        Assert.Equal("""{"page":50}""", result["result_next"]!.ToJsonString());
        Assert.Equal(["deal", "page", "last"], result["result_time"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_list_cmd_answers_with_json_lists_in_command_order()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");

        var answer = await portal.BatchAsync(new[] { $"crm.deal.get?id={ids[0]}", $"crm.deal.get?id={ids[1]}", "crm.deal.list?select[]=ID" });

        var result = answer.Result!;
        Assert.Equal(ids.Take(2).Select(i => i.ToString(CultureInfo.InvariantCulture)), result["result"]!.AsArray().Take(2).Select(r => (string)r!["ID"]!));
        Assert.IsType<JsonArray>(result["result_time"]);
        Assert.Equal(3, result["result_time"]!.AsArray().Count);
        // Only the third command has a total: PHP keeps key 2, so the map stays an object.
        Assert.Equal("""{"2":120}""", result["result_total"]!.ToJsonString());
    }

    [Fact]
    public async Task Numeric_names_zero_to_n_minus_one_also_make_json_lists()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");

        var answer = await portal.BatchAsync(new Dictionary<string, string> { ["0"] = $"crm.deal.get?id={ids[0]}", ["1"] = $"crm.deal.get?id={ids[1]}" });

        Assert.IsType<JsonArray>(answer.Result!["result"]);
        Assert.Equal(2, answer.Result!["result"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_empty_batch_answers_with_five_empty_maps()
    {
        var portal = InProcess();

        var answer = await portal.BatchAsync(new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("""{"result":[],"result_error":[],"result_total":[],"result_next":[],"result_time":[]}""", answer.Result!.ToJsonString());
    }

    [Fact]
    public async Task More_than_fifty_commands_run_the_first_fifty_and_fail_the_rest_per_command()
    {
        var portal = InProcess();
        var before = (await portal.Emulator.GetIdsAsync("crm.deal")).Count;
        var cmd = Enumerable.Range(0, 53).ToDictionary(i => "c" + i.ToString(CultureInfo.InvariantCulture), i => $"crm.deal.add?fields[TITLE]=Batch {i}");

        var answer = await portal.BatchAsync(cmd);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var result = answer.Result!;
        Assert.Equal(50, result["result"]!.AsObject().Count);
        Assert.Equal(["c50", "c51", "c52"], result["result_error"]!.AsObject().Select(p => p.Key));
        Assert.All(result["result_error"]!.AsObject(), p =>
        {
            Assert.Equal("ERROR_BATCH_LENGTH_EXCEEDED", (string)p.Value!["error"]!);
            Assert.Equal("Max batch length exceeded", (string)p.Value!["error_description"]!);
        });
        Assert.Equal(before + 50, (await portal.Emulator.GetIdsAsync("crm.deal")).Count);
    }

    [Fact]
    public async Task A_batch_inside_a_batch_fails_that_command_only()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.deal", 0);

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["inner"] = $"batch?cmd[a]=crm.deal.get%3Fid%3D{id}",
            ["ok"] = $"crm.deal.get?id={id}",
        });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var error = answer.Result!["result_error"]!["inner"]!;
        Assert.Equal("ERROR_BATCH_METHOD_NOT_ALLOWED", (string)error["error"]!);
        Assert.Equal("Method is not allowed for batch usage", (string)error["error_description"]!);
        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), (string)answer.Result!["result"]!["ok"]!["ID"]!);
    }

    [Fact]
    public async Task Halt_one_stops_at_the_first_failing_command()
    {
        var portal = InProcess();
        var before = await portal.Emulator.GetIdsAsync("crm.deal");

        var answer = await portal.BatchAsync(
            new Dictionary<string, string>
            {
                ["a"] = "crm.deal.add?fields[TITLE]=A",
                ["bad"] = "crm.deal.get?id=999999",
                ["b"] = "crm.deal.add?fields[TITLE]=B",
            },
            halt: 1);

        var result = answer.Result!;
        Assert.Equal(["a"], result["result"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["bad"], result["result_error"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["a"], result["result_time"]!.AsObject().Select(p => p.Key));
        Assert.Equal(before.Count + 1, (await portal.Emulator.GetIdsAsync("crm.deal")).Count);
    }

    [Fact]
    public async Task Halt_zero_runs_every_command_despite_failures()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");

        var answer = await portal.BatchAsync(
            new Dictionary<string, string>
            {
                ["a"] = $"crm.deal.get?id={ids[0]}",
                ["bad"] = "no.such.method",
                ["b"] = $"crm.deal.get?id={ids[1]}",
            },
            halt: 0);

        Assert.Equal(["a", "b"], answer.Result!["result"]!.AsObject().Select(p => p.Key));
        Assert.Equal("ERROR_METHOD_NOT_FOUND", (string)answer.Result!["result_error"]!["bad"]!["error"]!);
    }

    [Fact]
    public async Task A_whole_value_reference_is_replaced_by_the_raw_value()
    {
        var portal = InProcess();

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["first"] = "crm.deal.list?select[]=ID&select[]=CONTACT_ID&filter[>CONTACT_ID]=0&order[ID]=DESC",
            ["deal"] = "crm.item.get?entityTypeId=2&id=$result[first][0][ID]",
            ["contacts"] = "crm.contact.list?filter[@ID]=$result[deal][item][contactIds]&select[]=ID",
        });

        var result = answer.Result!;
        var first = result["result"]!["first"]![0]!;
        Assert.Equal(long.Parse((string)first["ID"]!, CultureInfo.InvariantCulture), (long)result["result"]!["deal"]!["item"]!["id"]!);
        // contactIds is a list: the whole-value reference hands the list itself to the filter.
        Assert.Equal([long.Parse((string)first["CONTACT_ID"]!, CultureInfo.InvariantCulture)], result["result"]!["contacts"].Ids());
    }

    [Fact]
    public async Task An_embedded_reference_is_replaced_by_its_text()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.deal", 3);

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["src"] = $"crm.deal.get?id={id}",
            ["copy"] = "crm.deal.add?fields[TITLE]=Copy of $result[src][TITLE] (#$result[src][ID])",
            ["check"] = "crm.deal.get?id=$result[copy]",
        });

        // The portal replaces the reference and everything after it up to the next white space:
        // the closing parenthesis goes with it.
        var title = (string)answer.Result!["result"]!["src"]!["TITLE"]!;
        Assert.Equal($"Copy of {title} (#{id}", (string)answer.Result!["result"]!["check"]!["TITLE"]!);
    }

    [Fact]
    public async Task References_are_found_in_any_data_value_in_any_letter_case_and_take_the_rest_of_their_run()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.deal", 3);
        var third = await portal.IdAsync("crm.deal", 2);

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["src"] = $"crm.deal.get?id={id}",
            ["list"] = $"crm.deal.list?select[]=ID&filter[<ID]={third}",
            ["copy"] = "crm.deal.add?fields[TITLE]=see+$RESULT[src][ID].+here&fields[COMMENTS]=a+$resultx[src][ID]+b+$result[list]+c+$next[]+d&fields[SOURCE_DESCRIPTION]=$result[src]",
            ["check"] = "crm.deal.get?id=$result[copy]",
        });

        var check = answer.Result!["result"]!["check"]!;
        Assert.Equal($"see {id} here", (string)check["TITLE"]!);

        // Junk between the name and the first segment is part of the run; a list is not put into
        // longer text; a reference without a segment is no reference.
        Assert.Equal($"a {id} b $result[list] c $next[] d", (string)check["COMMENTS"]!);

        // A reference that is the whole value takes the raw value (here an object, which the field stores as text).
        Assert.NotEqual("$result[src]", (string?)check["SOURCE_DESCRIPTION"]);
    }

    [Fact]
    public async Task Next_and_total_references_chain_pages()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");
        const int few = 60;

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["p0"] = "crm.deal.list?select[]=ID",
            ["p1"] = "crm.deal.list?select[]=ID&start=$next[p0]",
            ["few"] = $"crm.deal.list?select[]=ID&filter[%3C%3DID]={ids[few - 1]}",
            ["upto"] = "crm.deal.list?select[]=ID&filter[%3C%3DID]=$total[few]&start=-1",
        });

        var result = answer.Result!["result"]!;
        Assert.Equal(ids[50], result["p1"].Ids()[0]);
        Assert.Equal(100, answer.Result!["result_next"]!["p1"]!.GetValue<long>());
        Assert.Equal(few, answer.Result!["result_total"]!["few"]!.GetValue<long>());
        // $total[few] is the number 60, used as an ID bound: the rows whose ID is at most 60.
        var upto = ids.Where(i => i <= few).ToList();
        Assert.NotEmpty(upto);
        Assert.Equal(upto, result["upto"].Ids());
    }

    [Fact]
    public async Task A_reference_into_a_short_page_yields_a_partial_value_without_breaking_the_batch()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["short"] = $"crm.deal.list?select[]=ID&filter[%3C%3DID]={ids[9]}&start=-1",
            ["next"] = "crm.deal.list?select[]=ID&filter[>ID]=$result[short][49][ID]&start=-1",
            ["after"] = $"crm.deal.get?id={ids[0]}",
        });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var result = answer.Result!;
        Assert.Equal(10, result["result"]!["short"]!.AsArray().Count);
        Assert.True(result["result"]!.AsObject().ContainsKey("next") || result["result_error"]!.AsObject().ContainsKey("next"));
        Assert.Equal(ids[0].ToString(CultureInfo.InvariantCulture), (string)result["result"]!["after"]!["ID"]!);
    }

    [Fact]
    public async Task A_reference_to_an_unknown_command_is_left_as_written()
    {
        var portal = InProcess();

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["copy"] = "crm.deal.add?fields[TITLE]=$result[nobody][TITLE]",
            ["check"] = "crm.deal.get?id=$result[copy]",
        });

        Assert.Equal("$result[nobody][TITLE]", (string)answer.Result!["result"]!["check"]!["TITLE"]!);
    }

    [Fact]
    public async Task Every_successful_command_has_its_own_result_time_in_command_order()
    {
        var portal = InProcess();

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["g"] = $"crm.deal.get?id={await portal.IdAsync("crm.deal", 0)}",
            ["l"] = "crm.deal.list?select[]=ID&start=50",
            ["a"] = "crm.deal.add?fields[TITLE]=x",
        });

        var times = answer.Result!["result_time"]!.AsObject();
        Assert.Equal(["g", "l", "a"], times.Select(p => p.Key));
        Assert.Equal(0.002, (double)times["g"]!["processing"]!, 9);
        Assert.Equal(0.002 + (0.000009 * 100) + (0.0000005 * 120), (double)times["l"]!["processing"]!, 9);
        Assert.Equal(0.005, (double)times["a"]!["processing"]!, 9);
        Assert.True((double)times["l"]!["start"]! >= (double)times["g"]!["finish"]! - 1e-6);
        Assert.True((double)times["a"]!["start"]! >= (double)times["l"]!["finish"]! - 1e-6);
        Assert.Equal(0.002 + 0.00296 + 0.005, (double)answer.Json!["time"]!["processing"]!, 6);
    }

    [Fact]
    public async Task Commands_can_be_sent_as_a_form_and_as_a_query_string()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");

        var form = await portal.PostFormAsync("batch", $"halt=0&cmd[a]=crm.deal.get%3Fid%3D{ids[4]}&cmd[b]=crm.deal.list%3Ffilter%255B%253CID%255D%3D{ids[2]}");
        var query = await portal.GetAsync($"batch?cmd[a]=crm.deal.get%3Fid%3D{ids[4]}&cmd[b]=crm.deal.list%3Ffilter%255B%253CID%255D%3D{ids[2]}");

        foreach (var answer in new[] { form, query })
        {
            Assert.Equal(ids[4].ToString(CultureInfo.InvariantCulture), (string)answer.Result!["result"]!["a"]!["ID"]!);
            Assert.Equal(ids.Take(2), answer.Result!["result"]!["b"].Ids());
        }
    }

    [Fact]
    public async Task Command_method_names_are_case_insensitive_and_queries_may_be_url_encoded()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["plain"] = $"CRM.Deal.List?filter[<ID]={ids[2]}&select[]=ID",
            ["encoded"] = $"crm.deal.list?filter%5B%3CID%5D={ids[2]}&select%5B%5D=ID",
        });

        Assert.Equal(ids.Take(2), answer.Result!["result"]!["plain"].Ids());
        Assert.Equal(ids.Take(2), answer.Result!["result"]!["encoded"].Ids());
    }

    [Fact]
    public async Task One_batch_is_one_request_for_the_leaky_bucket()
    {
        var clock = new FakeTimeProvider();
        var options = Small();
        options.TimeProvider = clock;
        var portal = InProcess(options);
        var ids = await portal.IdsAsync("crm.deal");
        var cmd = Enumerable.Range(1, 50).ToDictionary(i => "g" + i.ToString(CultureInfo.InvariantCulture), i => $"crm.deal.get?id={ids[i - 1]}");

        var batch = await portal.BatchAsync(cmd);
        Assert.Equal(1, (await portal.Emulator.GetStatsAsync()).BucketLevel, 9);
        for (var i = 0; i < 49; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await portal.PostJsonAsync("crm.deal.get", new { id = ids[0] })).Status);
        }

        var refused = await portal.PostJsonAsync("crm.deal.get", new { id = ids[0] });

        Assert.Equal(50, batch.Result!["result"]!.AsObject().Count);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
    }

    [Fact]
    public async Task Each_command_is_charged_to_its_own_method_and_the_batch_itself_to_none()
    {
        var portal = InProcess();
        var deals = await portal.IdsAsync("crm.deal");

        await portal.BatchAsync(new Dictionary<string, string>
        {
            ["g1"] = $"crm.deal.get?id={deals[0]}",
            ["g2"] = $"crm.deal.get?id={deals[1]}",
            ["l"] = $"crm.lead.get?id={await portal.IdAsync("crm.lead", 0)}",
            ["a"] = "crm.contact.add?fields[NAME]=x",
        });
        var stats = await portal.Emulator.GetStatsAsync();

        Assert.Equal(0.004, stats.OperatingSecondsByMethod["crm.deal.get"], 9);
        Assert.Equal(0.002, stats.OperatingSecondsByMethod["crm.lead.get"], 9);
        Assert.Equal(0.005, stats.OperatingSecondsByMethod["crm.contact.add"], 9);
        Assert.Equal(0, stats.OperatingSecondsByMethod.GetValueOrDefault("batch"), 9);
        Assert.Equal(2, stats.CallsByMethod["crm.deal.get"]);
        Assert.Equal(1, stats.CallsByMethod["batch"]);
        Assert.Equal(1, stats.Requests);
    }
}
