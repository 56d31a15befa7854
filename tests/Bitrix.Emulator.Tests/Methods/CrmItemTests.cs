namespace Bitrix.Emulator.Tests.Methods;

public sealed class CrmItemTests
{
    [Fact]
    public async Task A_deal_list_wraps_fifty_camel_case_items_with_json_typed_values()
    {
        await using var portal = TestPortal.Small();
        var first = await portal.IdAsync("crm.deal", 0);

        var answer = await portal.PostJsonAsync("crm.item.list", new { entityTypeId = 2 });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var items = answer.Result!["items"]!.AsArray();
        Assert.Equal(50, items.Count);
        Assert.Equal(50, (long?)answer.Json!["next"]);
        Assert.Equal(120, (long?)answer.Json!["total"]);
        var item = items[0]!.AsObject();
        Assert.Equal(first, (long)item["id"]!);
        Assert.Equal(JsonValueKindName.Number, TestPortal.Kind(item["assignedById"]));
        Assert.Equal(JsonValueKindName.Number, TestPortal.Kind(item["createdBy"]));
        Assert.Equal(JsonValueKindName.Number, TestPortal.Kind(item["opportunity"]));
        Assert.Equal(JsonValueKindName.Number, TestPortal.Kind(item["categoryId"]));
        Assert.Equal(JsonValueKindName.String, TestPortal.Kind(item["stageId"]));
        Assert.Equal("Y", (string?)item["opened"]);
        Assert.Equal(JsonValueKindName.Array, TestPortal.Kind(item["observers"]));
        Assert.Equal(2, (long)item["entityTypeId"]!);
        Assert.True(DateTimeOffset.TryParse((string?)item["createdTime"], System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.DoesNotContain(item, p => p.Key.Contains('_', StringComparison.Ordinal) && !p.Key.StartsWith("ufCrm", StringComparison.Ordinal));
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Item_values_are_the_legacy_values_retyped()
    {
        await using var portal = TestPortal.Small();

        var id = await portal.IdAsync("crm.deal", 6);

        var legacy = (await portal.OkAsync("crm.deal.get", new { id })).AsObject();
        var item = (await portal.OkAsync("crm.item.get", new { entityTypeId = 2, id }))["item"]!.AsObject();

        Assert.Equal((string?)legacy["TITLE"], (string?)item["title"]);
        Assert.Equal(decimal.Parse((string)legacy["OPPORTUNITY"]!, System.Globalization.CultureInfo.InvariantCulture), (decimal)item["opportunity"]!);
        Assert.Equal((string?)legacy["DATE_CREATE"], (string?)item["createdTime"]);
        Assert.Equal((string?)legacy["DATE_MODIFY"], (string?)item["updatedTime"]);
        Assert.Equal(long.Parse((string)legacy["CREATED_BY_ID"]!, System.Globalization.CultureInfo.InvariantCulture), (long)item["createdBy"]!);
        Assert.Equal((string?)legacy["TYPE_ID"], (string?)item["typeId"]);
        Assert.Equal((string?)legacy["IS_NEW"], (string?)item["isNew"]);
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Start_minus_one_skips_the_count()
    {
        await using var portal = TestPortal.Small();
        var ids = await portal.IdsAsync("crm.deal");

        var answer = await portal.PostJsonAsync("crm.item.list", new { entityTypeId = 2, start = -1, order = new { id = "ASC" }, filter = new Dictionary<string, object> { [">id"] = ids[99] } });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var items = answer.Result!["items"]!.AsArray();
        Assert.Equal(20, items.Count);
        Assert.Equal(ids[100], (long)items[0]!["id"]!);
        Assert.Null(answer.Json!["next"]);
        Assert.True(answer.Json!["total"] is null || (long)answer.Json!["total"]! == 0);
    }

    [Fact]
    public async Task Select_returns_id_and_the_named_fields_only()
    {
        await using var portal = TestPortal.Small();

        var result = await portal.OkAsync("crm.item.list", new { entityTypeId = 2, select = new[] { "title", "stageId" }, start = 100 });

        var items = result["items"]!.AsArray();
        Assert.Equal(20, items.Count);
        Assert.All(items, i => Assert.Equal(["id", "title", "stageId"], i!.AsObject().Select(p => p.Key).OrderBy(k => k == "id" ? 0 : k == "title" ? 1 : 2)));
    }

    [Fact]
    public async Task Filters_on_camel_keys_match_the_legacy_filter()
    {
        await using var portal = TestPortal.Small();

        var items = await portal.PostJsonAsync("crm.item.list", new { entityTypeId = 2, filter = new Dictionary<string, object> { ["categoryId"] = 1, [">=opportunity"] = 10000 } });
        var legacy = await portal.PostJsonAsync("crm.deal.list", new { filter = new Dictionary<string, object> { ["CATEGORY_ID"] = 1, [">=OPPORTUNITY"] = 10000 } });

        var total = (long)items.Json!["total"]!;
        Assert.True(total > 0);
        Assert.Equal((long)legacy.Json!["total"]!, total);
        Assert.All(items.Result!["items"]!.AsArray(), i =>
        {
            Assert.Equal(1, (long)i!["categoryId"]!);
            Assert.True((double)i["opportunity"]! >= 10000);
        });
    }

    [Fact]
    public async Task A_nested_or_filter_selects_either_branch()
    {
        await using var portal = TestPortal.Small();
        var ids = await portal.IdsAsync("crm.deal");

        var filter = new Dictionary<string, object>
        {
            ["0"] = new Dictionary<string, object> { ["logic"] = "OR", ["0"] = new { id = ids[2] }, ["1"] = new { id = ids[76] } },
        };
        var result = await portal.OkAsync("crm.item.list", new { entityTypeId = 2, filter, select = new[] { "id" } });

        Assert.Equal([ids[2], ids[76]], result["items"]!.AsArray().Select(i => (long)i!["id"]!));
    }

    [Fact]
    public async Task Boolean_fields_filter_with_y_n_one_zero_or_json_booleans()
    {
        await using var portal = TestPortal.Small();
        var added = await portal.OkAsync("crm.item.add", new { entityTypeId = 2, fields = new { title = "Closed to the public", opened = "N" } });
        var id = (long)added["item"]!["id"]!;

        foreach (object value in new object[] { "N", 0, "0", false })
        {
            var result = await portal.OkAsync("crm.item.list", new { entityTypeId = 2, filter = new { opened = value }, select = new[] { "id", "opened" } });
            var items = result["items"]!.AsArray();
            Assert.Equal([id], items.Select(i => (long)i!["id"]!));
            Assert.Equal("N", (string?)items[0]!["opened"]);
        }
    }

    [Fact]
    public async Task An_unknown_filter_field_is_rejected()
    {
        await using var portal = TestPortal.Small();

        var description = await portal.FailsAsync("crm.item.list", new { entityTypeId = 2, filter = new { NO_SUCH = 1 } }, "INVALID_ARG_VALUE");

        Assert.Equal("Invalid filter: field 'NO_SUCH' is not allowed in filter", description);
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Order_is_strict_about_fields_and_directions()
    {
        await using var portal = TestPortal.Small();

        var unknown = await portal.FailsAsync("crm.item.list", new { entityTypeId = 2, order = new { nothing = "ASC" } }, "INVALID_ARG_VALUE");
        var direction = await portal.FailsAsync("crm.item.list", new { entityTypeId = 2, order = new { id = "UP" } }, "INVALID_ARG_VALUE");
        var descending = await portal.OkAsync("crm.item.list", new { entityTypeId = 2, order = new { id = "desc" }, select = new[] { "id" } });

        Assert.Equal("Invalid order: field 'nothing' is not allowed in order", unknown);
        Assert.Contains("allowed sort directions are ASC, DESC", direction, StringComparison.Ordinal);
        Assert.Equal((await portal.IdsAsync("crm.deal"))[^1], (long)descending["items"]![0]!["id"]!);
    }

    [Fact]
    public async Task Missing_items_and_unknown_types_are_not_found()
    {
        await using var portal = TestPortal.Small();

        var missing = await portal.FailsAsync("crm.item.get", new { entityTypeId = 2, id = 5000 }, "NOT_FOUND");
        await portal.FailsAsync("crm.item.update", new { entityTypeId = 3, id = 5000, fields = new { name = "x" } }, "NOT_FOUND");
        await portal.FailsAsync("crm.item.delete", new { entityTypeId = 4, id = 5000 }, "NOT_FOUND");
        var type = await portal.FailsAsync("crm.item.list", new { entityTypeId = 999 }, "NOT_FOUND");
        await portal.FailsAsync("crm.item.fields", new { }, "NOT_FOUND");

        Assert.Equal("Element not found", missing);
        Assert.Equal("Smart process not found", type);
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task A_deal_added_as_an_item_is_a_legacy_deal_with_string_values()
    {
        await using var portal = TestPortal.Small();
        var lastSeeded = (await portal.IdsAsync("crm.deal"))[^1];

        var added = await portal.OkAsync("crm.item.add", new
        {
            entityTypeId = 2,
            fields = new { title = "Fleet renewal", opportunity = 1500.5, opened = "N", xmlId = "ext-17", observers = new[] { 2, 3 }, stageId = "PREPARATION" },
        });
        var item = added["item"]!.AsObject();
        var id = (long)item["id"]!;
        var legacy = (await portal.OkAsync("crm.deal.get", new { id })).AsObject();
        var listed = await portal.OkAsync("crm.deal.list", new { filter = new { ID = id }, select = new[] { "ID", "TITLE" } });

        Assert.Equal(lastSeeded + 1, id);
        Assert.Equal("Fleet renewal", (string?)item["title"]);
        Assert.Equal(1500.5, (double)item["opportunity"]!);
        Assert.Equal("ext-17", (string?)item["xmlId"]);
        Assert.Equal([2L, 3L], item["observers"]!.AsArray().Select(o => (long)o!));
        Assert.Equal(1, (long)item["createdBy"]!);
        Assert.Equal("Fleet renewal", (string?)legacy["TITLE"]);
        Assert.Equal("1500.50", (string?)legacy["OPPORTUNITY"]);
        Assert.Equal("N", (string?)legacy["OPENED"]);
        Assert.Equal("PREPARATION", (string?)legacy["STAGE_ID"]);
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)legacy["ID"]);
        Assert.Single(listed.AsArray());
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Updates_through_either_api_are_seen_by_the_other()
    {
        await using var portal = TestPortal.Small();
        var id = await portal.IdAsync("crm.deal", 4);

        await portal.OkAsync("crm.deal.update", new { id, fields = new { TITLE = "Renamed in legacy" } });
        var afterLegacy = await portal.OkAsync("crm.item.get", new { entityTypeId = 2, id });
        var updated = await portal.OkAsync("crm.item.update", new { entityTypeId = 2, id, fields = new { title = "Renamed as item", probability = 40 } });
        var afterItem = await portal.OkAsync("crm.deal.get", new { id });

        Assert.Equal("Renamed in legacy", (string?)afterLegacy["item"]!["title"]);
        Assert.Equal("Renamed as item", (string?)updated["item"]!["title"]);
        Assert.Equal(40, (long)updated["item"]!["probability"]!);
        Assert.Equal("Renamed as item", (string?)afterItem["TITLE"]);
        Assert.Equal("40", (string?)afterItem["PROBABILITY"]);
    }

    [Fact]
    public async Task Delete_answers_an_empty_map_and_removes_the_row_everywhere()
    {
        await using var portal = TestPortal.Small();
        var id = await portal.IdAsync("crm.lead", 8);

        var answer = await portal.PostJsonAsync("crm.item.delete", new { entityTypeId = 1, id });
        var legacy = await portal.PostJsonAsync("crm.lead.get", new { id });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("[]", answer.Result!.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, legacy.Status);
        Assert.Equal("Not found", (string?)legacy.Json!["error_description"]);
        await portal.FailsAsync("crm.item.get", new { entityTypeId = 1, id }, "NOT_FOUND");
        Assert.DoesNotContain(id, await portal.IdsAsync("crm.lead"));
    }

    [Fact]
    public async Task Deal_fields_come_from_the_documented_catalog_with_upper_names()
    {
        await using var portal = TestPortal.Small();

        var fields = (await portal.OkAsync("crm.item.fields", new { entityTypeId = 2 }))["fields"]!.AsObject();

        Assert.Equal("id", fields.First().Key);
        Assert.Equal("TITLE", (string?)fields["title"]!["upperName"]);
        Assert.Equal("CREATED_TIME", (string?)fields["createdTime"]!["upperName"]);
        Assert.Equal("OBSERVERS", (string?)fields["observers"]!["upperName"]);
        Assert.True((bool)fields["observers"]!["isMultiple"]!);
        Assert.Equal("TYPE_ID", (string?)fields["typeId"]!["upperName"]);
        Assert.DoesNotContain(fields, p => p.Key == "dateCreate");
    }

    [Fact]
    public async Task Contact_fields_are_derived_from_the_legacy_catalog_without_multifields()
    {
        await using var portal = TestPortal.Small();

        var fields = (await portal.OkAsync("crm.item.fields", new { entityTypeId = 3 }))["fields"]!.AsObject();
        var contact = (await portal.OkAsync("crm.item.get", new { entityTypeId = 3, id = await portal.IdAsync("crm.contact", 3) }))["item"]!.AsObject();

        Assert.Equal("LAST_NAME", (string?)fields["lastName"]!["upperName"]);
        Assert.Equal("CREATED_TIME", (string?)fields["createdTime"]!["upperName"]);
        Assert.Equal("UPDATED_BY", (string?)fields["updatedBy"]!["upperName"]);
        Assert.Equal("boolean", (string?)fields["opened"]!["type"]);
        Assert.False(fields.ContainsKey("phone"));
        Assert.Equal(3, (long)contact["entityTypeId"]!);
        Assert.Equal(JsonValueKindName.String, TestPortal.Kind(contact["lastName"]));
        var fm = contact["fm"]!.AsArray();
        Assert.Contains(fm, f => (string?)f!["typeId"] == "PHONE" && TestPortal.Kind(f["id"]) == JsonValueKindName.Number);
    }

    [Fact]
    public async Task Leads_and_companies_use_the_item_names_of_their_status_and_type_fields()
    {
        await using var portal = TestPortal.Small();

        var leadId = await portal.IdAsync("crm.lead", 1);
        var companyId = await portal.IdAsync("crm.company", 1);

        var lead = (await portal.OkAsync("crm.lead.get", new { id = leadId })).AsObject();
        var leadItem = (await portal.OkAsync("crm.item.get", new { entityTypeId = 1, id = leadId }))["item"]!.AsObject();
        var company = (await portal.OkAsync("crm.company.get", new { id = companyId })).AsObject();
        var companyItem = (await portal.OkAsync("crm.item.get", new { entityTypeId = 4, id = companyId }))["item"]!.AsObject();
        var byStage = await portal.PostJsonAsync("crm.item.list", new { entityTypeId = 1, filter = new Dictionary<string, object> { ["@stageId"] = new[] { (string)lead["STATUS_ID"]! } } });
        var byStatus = await portal.PostJsonAsync("crm.lead.list", new { filter = new { STATUS_ID = (string)lead["STATUS_ID"]! } });

        Assert.Equal((string?)lead["STATUS_ID"], (string?)leadItem["stageId"]);
        Assert.Equal((string?)lead["STATUS_SEMANTIC_ID"], (string?)leadItem["stageSemanticId"]);
        Assert.False(leadItem.ContainsKey("statusId"));
        Assert.Equal((string?)company["COMPANY_TYPE"], (string?)companyItem["typeId"]);
        Assert.Equal(JsonValueKindName.Array, TestPortal.Kind(companyItem["contactIds"]));
        Assert.Equal(JsonValueKindName.Array, TestPortal.Kind(companyItem["observers"]));
        Assert.Equal((long)byStatus.Json!["total"]!, (long)byStage.Json!["total"]!);
    }

    [Fact]
    public async Task User_fields_are_camel_case_unless_original_names_are_asked_for()
    {
        await using var portal = TestPortal.Small();
        var name = await portal.Emulator.DeclareUserFieldAsync(new UserFieldDeclaration("crm.deal", "1720019876534", "double"));
        var id = await portal.IdAsync("crm.deal", 2);

        var fields = (await portal.OkAsync("crm.item.fields", new { entityTypeId = 2 }))["fields"]!.AsObject();
        await portal.OkAsync("crm.item.update", new { entityTypeId = 2, id, fields = new Dictionary<string, object> { ["ufCrm_1720019876534"] = 12.5 } });
        var legacy = await portal.OkAsync("crm.deal.get", new { id });
        var camel = await portal.OkAsync("crm.item.list", new { entityTypeId = 2, filter = new Dictionary<string, object> { [">ufCrm_1720019876534"] = 10 }, select = new[] { "ufCrm_1720019876534" } });
        var original = await portal.OkAsync("crm.item.get", new { entityTypeId = 2, id, useOriginalUfNames = "Y" });

        Assert.Equal("UF_CRM_1720019876534", name);
        Assert.Equal(name, (string?)fields["ufCrm_1720019876534"]!["upperName"]);
        Assert.Equal("12.50", (string?)legacy[name]);
        Assert.Equal(12.5, (double)camel["items"]![0]!["ufCrm_1720019876534"]!);
        Assert.Single(camel["items"]!.AsArray());
        Assert.Equal(12.5, (double)original["item"]![name]!);
        Assert.False(original["item"]!.AsObject().ContainsKey("ufCrm_1720019876534"));
    }

    [Fact]
    public async Task Items_work_inside_a_batch_with_references()
    {
        await using var portal = TestPortal.Small();

        var answer = await portal.PostJsonAsync("batch", new
        {
            halt = 0,
            cmd = new Dictionary<string, string>
            {
                ["page"] = "crm.item.list?entityTypeId=4&select[]=id&select[]=title&order[id]=DESC",
                ["one"] = "crm.item.get?entityTypeId=4&id=$result[page][items][0][id]",
                ["bad"] = "crm.item.list?entityTypeId=4&filter[WRONG]=1",
            },
        });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var result = answer.Result!;
        Assert.Equal(20, (long)result["result_total"]!["page"]!);
        Assert.Equal((await portal.IdsAsync("crm.company"))[^1], (long)result["result"]!["one"]!["item"]!["id"]!);
        Assert.Equal("INVALID_ARG_VALUE", (string?)result["result_error"]!["bad"]!["error"]);
        await portal.AssertNoInternalFailuresAsync();
    }
}
