namespace Bitrix.Emulator.Tests.Conformance;

/// <summary>
/// For every kind of answer captured from live portals (fixtures/real-responses) that the
/// emulator can produce, the emulator's answer to the equivalent request has the same SHAPE:
/// key sets, lists vs maps, JSON value kinds and string formats — never the same values.
/// </summary>
public sealed class RealResponseShapeTests : PortalTestBase
{
    private static readonly JsonShape Strict = new();

    /// <summary>Batch results hold rows whose field set depends on what the capture asked for.</summary>
    private static readonly JsonShape RowsShared = new() { SharedKeysOnly = ["result/result/*"] };

    [Fact]
    public async Task A_first_list_page_has_the_shape_of_a_captured_crm_lead_list_page()
    {
        var portal = InProcess(Small());
        var captured = Fixtures.RealResponse("crm_lead_list_several_pages_success")[0];

        var answer = await portal.PostJsonAsync("crm.lead.list", new { select = new[] { "ID", "TITLE" } });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Strict.AssertSame(captured, answer.Json);
    }

    [Fact]
    public async Task A_single_page_list_has_total_and_no_next_like_the_captured_one()
    {
        var options = Small();
        options.Leads = 39;
        var portal = InProcess(options);
        var captured = Fixtures.RealResponse("crm_lead_list_one_page_success");

        var answer = await portal.PostJsonAsync("crm.lead.list", new { select = new[] { "ID", "TITLE" } });

        Strict.AssertSame(captured, answer.Json);
        Assert.Null(answer.Json!["next"]);
        Assert.Equal(39, (long)answer.Json!["total"]!);
    }

    [Theory]
    [InlineData(1, 50)]
    [InlineData(3, 5050)]
    public async Task A_batch_of_fifty_offset_pages_has_the_shape_of_the_captured_batch(int capturedBatch, int firstStart)
    {
        var options = Small();
        options.Leads = 7531;
        var portal = InProcess(options);
        var captured = Fixtures.RealResponse("crm_lead_list_several_pages_success")[capturedBatch]!;
        var cmd = new Dictionary<string, string>();
        for (var i = 0; i < 50; i++)
        {
            cmd["cmd" + i.ToString(CultureInfo.InvariantCulture)] = $"crm.lead.list?select[]=ID&select[]=TITLE&start={firstStart + (50 * i)}";
        }

        var answer = await portal.BatchAsync(cmd);

        Strict.AssertSame(captured, answer.Json);
        var result = answer.Result!;
        Assert.Equal(
            captured["result"]!["result_next"]!.AsObject().Select(p => p.Key),
            result["result_next"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_batch_whose_command_found_nothing_has_the_shape_of_the_captured_empty_batch()
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse("batch_list_empty");

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["order0000000000"] = "crm.deal.list?filter[>ID]=1000000&select[]=ID",
        });

        Strict.AssertSame(captured, answer.Json);
        Assert.Equal("[]", answer.Result!["result"]!["order0000000000"]!.ToJsonString());
    }

    [Fact]
    public async Task A_batch_add_returns_an_int_like_the_captured_contact_add()
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse("crm_contact_add_batch");

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["order0000000000"] = "crm.contact.add?fields[NAME]=Anna&fields[LAST_NAME]=Petrova",
        });

        Strict.AssertSame(captured, answer.Json);
        Assert.Equal("number", JsonShape.KindOf(answer.Result!["result"]!["order0000000000"]));
    }

    [Fact]
    public async Task A_batch_of_two_adds_has_the_shape_of_the_captured_element_adds()
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse("lists_element_add_batch");

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["order0000000000"] = "crm.deal.add?fields[TITLE]=One",
            ["order0000000001"] = "crm.deal.add?fields[TITLE]=Two",
        });

        Strict.AssertSame(captured, answer.Json);
    }

    [Fact]
    public async Task A_batch_of_one_command_keyed_zero_answers_with_json_lists_like_the_captured_one()
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse("crm_dealcategory_stage_list_batch_of_one");
        var request = Fixtures.RealRequest("crm_dealcategory_stage_list_batch_of_one")!;
        Assert.Equal(["0"], request["cmd"]!.AsObject().Select(p => p.Key));

        var answer = await portal.BatchAsync(new Dictionary<string, string> { ["0"] = $"crm.deal.get?ID={await portal.IdAsync("crm.deal", 0)}" });

        // The captured command returned a list of stages, ours a deal: only the wrapping is compared.
        new JsonShape { Ignore = ["result/result/#"] }.AssertSame(captured, answer.Json);
        Assert.IsType<JsonArray>(answer.Result!["result"]);
        Assert.IsType<JsonArray>(answer.Result!["result_time"]);
    }

    [Fact]
    public async Task A_batch_mixing_a_found_row_and_two_errors_has_the_shape_of_the_captured_one()
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse("crm_get_batch_mix_success_and_errors");
        var leads = await portal.IdsAsync("crm.lead");
        Assert.Equal(HttpStatusCode.OK, (await portal.PostJsonAsync("crm.lead.delete", new { id = leads[0] })).Status);

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["35943"] = $"crm.lead.get?ID={leads[6]}",
            ["0"] = "crm.lead.get?ID=0",
            ["1"] = $"crm.lead.get?ID={leads[0]}",
        });

        RowsShared.AssertSame(captured, answer.Json);
        var errors = answer.Result!["result_error"]!.AsArray();
        Assert.Equal(["ID is not defined or invalid.", "Not found"], errors.Select(e => (string)e!["error_description"]!));
        Assert.All(errors, e => Assert.Equal(string.Empty, (string)e!["error"]!));
    }

    [Fact]
    public async Task A_batch_of_two_failing_gets_has_empty_result_and_result_time_like_the_captured_one()
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse("crm_get_batch_of_two_error");

        var answer = await portal.BatchAsync(new[] { "crm.lead.get?ID=0", "crm.lead.get?ID=999999" });

        Strict.AssertSame(captured, answer.Json);
    }

    [Fact]
    public async Task A_batch_of_one_failing_get_has_the_shape_of_the_captured_one()
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse("crm_lead_get_batch_error");

        var answer = await portal.BatchAsync(new[] { "crm.lead.get" });

        Strict.AssertSame(captured, answer.Json);
    }

    [Fact]
    public async Task A_batched_get_returns_a_lead_whose_values_have_the_captured_kinds()
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse("call_single_success");

        var answer = await portal.BatchAsync(new Dictionary<string, string> { ["order0"] = $"crm.lead.get?ID={await portal.IdAsync("crm.lead", 2)}" });

        // Same envelope; each field both sides print has the same kind (string, null, date-time, decimal).
        RowsShared.AssertSame(captured, answer.Json);
        var lead = answer.Result!["result"]!["order0"]!.AsObject();
        var capturedLead = captured["result"]!["result"]!["order0"]!.AsObject();
        Assert.Empty(capturedLead.Select(p => p.Key).Except(lead.Select(p => p.Key)));
    }

    [Fact]
    public async Task A_batch_of_three_gets_has_the_shape_of_the_captured_one()
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse("call_several_success");

        var leads = await portal.IdsAsync("crm.lead");

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["order0"] = $"crm.lead.get?ID={leads[0]}",
            ["order1"] = $"crm.lead.get?ID={leads[1]}",
            ["order2"] = $"crm.lead.get?ID={leads[2]}",
        });

        RowsShared.AssertSame(captured, answer.Json);
    }

    [Fact]
    public async Task Legacy_values_are_strings_with_the_captured_formats()
    {
        var portal = InProcess();

        var id = await portal.IdAsync("crm.deal", 4);

        var deal = (await portal.PostJsonAsync("crm.deal.get", new { id })).Result!.AsObject();

        Assert.Equal("string", JsonShape.KindOf(deal["ID"]));
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)deal["ID"]!);
        Assert.Equal("string:decimal", JsonShape.KindOf(deal["OPPORTUNITY"]));
        Assert.Equal("string:datetime", JsonShape.KindOf(deal["DATE_CREATE"]));
        Assert.Matches(@"^\d+$", (string)deal["ASSIGNED_BY_ID"]!);
        Assert.Contains((string)deal["OPENED"]!, new[] { "Y", "N" });
        Assert.All(deal, p => Assert.Contains(JsonShape.KindOf(p.Value)[..4], new[] { "stri", "null", "list" }));
    }

    [Fact]
    public async Task The_fields_answer_has_the_shape_of_a_captured_crm_lead_fields()
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse("crm_lead_fields_success");

        var answer = await portal.PostJsonAsync("crm.lead.fields", null);

        // Portals differ in their user fields: the fields both know must be described alike.
        new JsonShape { SharedKeysOnly = ["result"] }.AssertSame(captured, answer.Json);
    }

    [Theory]
    [InlineData("string", "UF_CRM_1594289616952")]
    [InlineData("money", "UF_CRM_1594289659496")]
    [InlineData("url", "UF_CRM_1594290129890")]
    public async Task A_declared_user_field_is_described_like_a_captured_one_of_its_type(string type, string capturedField)
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse("crm_lead_fields_success")["result"]![capturedField];
        var name = await portal.Emulator.DeclareUserFieldAsync(new UserFieldDeclaration("crm.lead", "UF_CRM_TEST_" + type.ToUpperInvariant(), type) { Label = "Test" });

        var answer = await portal.PostJsonAsync("crm.lead.fields", null);

        Strict.AssertSame(captured, answer.Result![name]);
    }

    public static TheoryData<string> CapturedAnswersWithTime() =>
    [
        "batch_list_empty", "call_batch", "call_several_success", "call_single_success", "crm_contact_add_batch",
        "crm_dealcategory_stage_list_batch_of_one", "crm_get_batch_mix_success_and_errors", "crm_get_batch_of_two_error",
        "crm_lead_get_batch_error", "crm_lead_list_one_page_success", "lists_element_add_batch", "crm_company_contact_items_get",
    ];

    [Theory]
    [MemberData(nameof(CapturedAnswersWithTime))]
    public async Task The_time_object_has_the_captured_members_in_the_captured_order_with_the_captured_kinds(string fixture)
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse(fixture)["time"]!.AsObject();

        var list = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID" } });
        var batch = await portal.BatchAsync(new Dictionary<string, string> { ["a"] = $"crm.deal.get?ID={await portal.IdAsync("crm.deal", 0)}" });

        foreach (var time in new[] { list.Json!["time"]!, batch.Json!["time"]!, batch.Result!["result_time"]!["a"]! })
        {
            Strict.AssertSame(captured, time);
            var order = time.AsObject().Select(p => p.Key).ToList();
            var capturedOrder = captured.Select(p => p.Key).Where(order.Contains).ToList();
            Assert.Equal(capturedOrder, order.Where(k => captured.ContainsKey(k)).ToList());
            Assert.Equal(["start", "finish", "duration", "processing", "date_start", "date_finish"], order.Take(6));
        }
    }

    [Fact]
    public async Task Operating_reset_at_comes_before_operating_as_in_the_2024_captures()
    {
        var portal = InProcess();
        var captured = Fixtures.RealResponse("crm_contact_add_batch")["time"]!.AsObject().Select(p => p.Key).ToList();

        var answer = await portal.PostJsonAsync("crm.deal.get", new { id = await portal.IdAsync("crm.deal", 0) });

        Assert.Equal(captured, answer.Json!["time"]!.AsObject().Select(p => p.Key));
        Assert.Equal("number", JsonShape.KindOf(answer.Json!["time"]!["operating_reset_at"]));
        Assert.DoesNotContain('.', answer.Json!["time"]!["operating_reset_at"]!.ToJsonString());
    }
}
