namespace Bitrix.Emulator.Tests.Methods;

public sealed class CrmDirectoryTests
{
    [Fact]
    public async Task Status_list_answers_deal_stages_in_the_documented_shape()
    {
        await using var portal = TestPortal.Small();

        var answer = await portal.PostJsonAsync("crm.status.list", new { order = new { SORT = "ASC" }, filter = new { ENTITY_ID = "DEAL_STAGE" } });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var rows = answer.Result!.AsArray();
        Assert.Equal(7, rows.Count);
        Assert.Equal(7, (long)answer.Json!["total"]!);
        Assert.Null(answer.Json!["next"]);
        var first = rows[0]!.AsObject();
        Assert.Equal(["ID", "ENTITY_ID", "STATUS_ID", "NAME", "NAME_INIT", "SORT", "SYSTEM", "CATEGORY_ID", "COLOR", "SEMANTICS", "EXTRA"], first.Select(p => p.Key));
        Assert.Equal("NEW", (string?)first["STATUS_ID"]);
        Assert.Equal("10", (string?)first["SORT"]);
        Assert.Equal("Y", (string?)first["SYSTEM"]);
        Assert.Null(first["CATEGORY_ID"]);
        Assert.Equal("process", (string?)first["EXTRA"]!["SEMANTICS"]);
        var won = rows.Single(r => (string?)r!["STATUS_ID"] == "WON")!;
        Assert.Equal("S", (string?)won["SEMANTICS"]);
        Assert.Equal("success", (string?)won["EXTRA"]!["SEMANTICS"]);
        Assert.Equal("F", (string?)rows.Single(r => (string?)r!["STATUS_ID"] == "LOSE")!["SEMANTICS"]);
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task The_second_funnel_has_prefixed_stages_with_its_category()
    {
        await using var portal = TestPortal.Small();

        var rows = (await portal.OkAsync("crm.status.list", new { filter = new { ENTITY_ID = "DEAL_STAGE_1" }, order = new { SORT = "DESC" } })).AsArray();

        Assert.Equal(7, rows.Count);
        Assert.Equal("C1:LOSE", (string?)rows[0]!["STATUS_ID"]);
        Assert.All(rows, r =>
        {
            Assert.StartsWith("C1:", (string?)r!["STATUS_ID"], StringComparison.Ordinal);
            Assert.Equal("1", (string?)r["CATEGORY_ID"]);
        });
    }

    [Fact]
    public async Task Every_seeded_directory_value_is_in_the_directory()
    {
        await using var portal = TestPortal.Small();

        var statuses = (await portal.OkAsync("crm.status.list", new { })).AsArray()
            .Select(s => ((string)s!["ENTITY_ID"]!, (string)s["STATUS_ID"]!))
            .ToHashSet();
        var deals = (await portal.OkAsync("crm.deal.list", new { select = new[] { "STAGE_ID", "CATEGORY_ID", "TYPE_ID", "SOURCE_ID" } })).AsArray();
        var leads = (await portal.OkAsync("crm.lead.list", new { select = new[] { "STATUS_ID", "SOURCE_ID" } })).AsArray();
        var companies = (await portal.OkAsync("crm.company.list", new { select = new[] { "COMPANY_TYPE", "INDUSTRY", "EMPLOYEES" } })).AsArray();
        var contacts = (await portal.OkAsync("crm.contact.list", new { select = new[] { "TYPE_ID" } })).AsArray();

        Assert.Contains(deals, d => (string?)d!["CATEGORY_ID"] == "1");
        Assert.All(deals, d =>
        {
            var category = (string)d!["CATEGORY_ID"]!;
            Assert.Contains((category == "0" ? "DEAL_STAGE" : "DEAL_STAGE_" + category, (string)d["STAGE_ID"]!), statuses);
            Assert.Contains(("DEAL_TYPE", (string)d["TYPE_ID"]!), statuses);
            Assert.Contains(("SOURCE", (string)d["SOURCE_ID"]!), statuses);
        });
        Assert.All(leads, l => Assert.Contains(("STATUS", (string)l!["STATUS_ID"]!), statuses));
        Assert.All(companies, c =>
        {
            Assert.Contains(("COMPANY_TYPE", (string)c!["COMPANY_TYPE"]!), statuses);
            Assert.Contains(("INDUSTRY", (string)c["INDUSTRY"]!), statuses);
            Assert.Contains(("EMPLOYEES", (string)c["EMPLOYEES"]!), statuses);
        });
        Assert.All(contacts, c => Assert.Contains(("CONTACT_TYPE", (string)c!["TYPE_ID"]!), statuses));
        Assert.Contains(statuses, s => s.Item1 == "HONORIFIC");
    }

    [Fact]
    public async Task Category_list_answers_the_deal_funnels()
    {
        await using var portal = TestPortal.Small();

        var answer = await portal.PostJsonAsync("crm.category.list", new { entityTypeId = 2 });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var categories = answer.Result!["categories"]!.AsArray();
        Assert.Equal(2, (long)answer.Json!["total"]!);
        Assert.Equal([0L, 1L], categories.Select(c => (long)c!["id"]!));
        Assert.Equal("Y", (string?)categories[0]!["isDefault"]);
        Assert.Equal("N", (string?)categories[1]!["isDefault"]);
        Assert.Equal(2, (long)categories[1]!["entityTypeId"]!);
        Assert.Equal(JsonValueKindName.Number, TestPortal.Kind(categories[1]!["sort"]));
        Assert.Equal("", (string?)categories[1]!["originId"]);
        Assert.False(categories[0]!.AsObject().ContainsKey("originId"));
    }

    [Fact]
    public async Task Category_list_refuses_leads_and_unknown_types()
    {
        await using var portal = TestPortal.Small();

        await portal.FailsAsync("crm.category.list", new { entityTypeId = 1 }, "ENTITY_TYPE_NOT_SUPPORTED");
        Assert.Equal("Smart process not found", await portal.FailsAsync("crm.category.list", new { entityTypeId = 777 }, "NOT_FOUND"));
        var contacts = await portal.OkAsync("crm.category.list", new { entityTypeId = 3 });
        Assert.Equal("Y", (string?)contacts["categories"]![0]!["isDefault"]);
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Directories_work_inside_a_batch()
    {
        await using var portal = TestPortal.Small();

        var answer = await portal.PostJsonAsync("batch", new
        {
            cmd = new Dictionary<string, string>
            {
                ["funnels"] = "crm.category.list?entityTypeId=2",
                ["stages"] = "crm.status.list?filter[ENTITY_ID]=DEAL_STAGE_$result[funnels][categories][1][id]",
            },
        });

        var result = answer.Result!;
        Assert.Equal(7, (long)result["result_total"]!["stages"]!);
        Assert.Equal("C1:NEW", (string?)result["result"]!["stages"]![0]!["STATUS_ID"]);
    }
}
