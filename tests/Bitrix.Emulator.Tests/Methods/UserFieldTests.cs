namespace Bitrix.Emulator.Tests.Methods;

public sealed class UserFieldTests
{
    [Fact]
    public async Task Add_returns_the_new_id_and_list_describes_the_field()
    {
        await using var portal = TestPortal.Small();

        var id = await portal.OkAsync("crm.deal.userfield.add", new { fields = new { FIELD_NAME = "RATING", USER_TYPE_ID = "integer", LABEL = "Rating", MANDATORY = "Y" } });
        var answer = await portal.PostJsonAsync("crm.deal.userfield.list", new { });
        var labelled = await portal.OkAsync("crm.deal.userfield.list", new { filter = new { LANG = "en" } });

        Assert.Equal(JsonValueKindName.Number, TestPortal.Kind(id));
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(1, (long)answer.Json!["total"]!);
        var field = Assert.Single(answer.Result!.AsArray())!.AsObject();
        Assert.Equal(((long)id).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)field["ID"]);
        Assert.Equal("CRM_DEAL", (string?)field["ENTITY_ID"]);
        Assert.Equal("UF_CRM_RATING", (string?)field["FIELD_NAME"]);
        Assert.Equal("integer", (string?)field["USER_TYPE_ID"]);
        Assert.Equal("N", (string?)field["MULTIPLE"]);
        Assert.Equal("Y", (string?)field["MANDATORY"]);
        Assert.False(field.ContainsKey("EDIT_FORM_LABEL"));
        Assert.Equal("Rating", (string?)labelled[0]!["EDIT_FORM_LABEL"]);
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task An_enumeration_lists_its_items()
    {
        await using var portal = TestPortal.Small();

        await portal.OkAsync("crm.lead.userfield.add", new
        {
            fields = new { FIELD_NAME = "CHANNEL", USER_TYPE_ID = "enumeration", MULTIPLE = "Y", LIST = new[] { new { VALUE = "Radio" }, new { VALUE = "Print" } } },
        });
        var field = (await portal.OkAsync("crm.lead.userfield.list", new { filter = new { USER_TYPE_ID = "enumeration" } }))[0]!;

        Assert.Equal("CRM_LEAD", (string?)field["ENTITY_ID"]);
        Assert.Equal("Y", (string?)field["MULTIPLE"]);
        Assert.Equal(["Radio", "Print"], field["LIST"]!.AsArray().Select(i => (string?)i!["VALUE"]));
        Assert.Equal(["Y", "N"], field["LIST"]!.AsArray().Select(i => (string?)i!["DEF"]));
    }

    [Fact]
    public async Task Names_get_the_crm_prefix_as_documented()
    {
        await using var portal = TestPortal.Small();

        await portal.OkAsync("crm.contact.userfield.add", new { fields = new { FIELD_NAME = "UF_NOTE", USER_TYPE_ID = "string" } });
        await portal.OkAsync("crm.contact.userfield.add", new { fields = new { FIELD_NAME = "uf_crm_mood", USER_TYPE_ID = "string" } });
        var names = (await portal.OkAsync("crm.contact.userfield.list", new { order = new { ID = "DESC" } })).AsArray().Select(f => (string?)f!["FIELD_NAME"]);

        Assert.Equal(["UF_CRM_MOOD", "UF_CRM_NOTE"], names);
    }

    [Fact]
    public async Task Invalid_declarations_are_refused()
    {
        await using var portal = TestPortal.Small();

        Assert.Equal("The 'FIELD_NAME' field is not found.", await portal.FailsAsync("crm.deal.userfield.add", new { fields = new { USER_TYPE_ID = "string" } }, ""));
        Assert.Equal("The 'USER_TYPE_ID' field is not found.", await portal.FailsAsync("crm.deal.userfield.add", new { fields = new { FIELD_NAME = "X" } }, ""));
        await portal.FailsAsync("crm.deal.userfield.add", new { fields = new { FIELD_NAME = "BAD-NAME", USER_TYPE_ID = "string" } }, "ERROR_CORE");
        await portal.FailsAsync("crm.deal.userfield.add", new { fields = new { FIELD_NAME = new string('A', 44), USER_TYPE_ID = "string" } }, "ERROR_CORE");
        Assert.Equal("Incorrect custom type specified.", await portal.FailsAsync("crm.deal.userfield.add", new { fields = new { FIELD_NAME = "X", USER_TYPE_ID = "teleport" } }, "ERROR_CORE"));
        Assert.Equal("Parameter 'filter' must be array.", await portal.FailsAsync("crm.deal.userfield.list", new { filter = "x" }, ""));
        Assert.Empty((await portal.OkAsync("crm.deal.userfield.list", new { })).AsArray());
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task A_declared_field_is_served_selected_filtered_and_written_by_legacy_methods()
    {
        await using var portal = TestPortal.Small();
        await portal.OkAsync("crm.deal.userfield.add", new { fields = new { FIELD_NAME = "BUDGET", USER_TYPE_ID = "double" } });

        var fields = await portal.OkAsync("crm.deal.fields", new { });
        await portal.OkAsync("crm.deal.update", new { id = 4, fields = new { UF_CRM_BUDGET = 250 } });
        var added = await portal.OkAsync("crm.deal.add", new { fields = new { TITLE = "With budget", UF_CRM_BUDGET = "900.5" } });
        var all = await portal.OkAsync("crm.deal.list", new { select = new[] { "ID", "UF_*" }, filter = new Dictionary<string, object> { [">UF_CRM_BUDGET"] = 100 } });
        var plain = await portal.OkAsync("crm.deal.list", new { select = new[] { "*" }, filter = new { ID = 4 } });

        Assert.Equal("double", (string?)fields["UF_CRM_BUDGET"]!["type"]);
        Assert.True((bool)fields["UF_CRM_BUDGET"]!["isDynamic"]!);
        Assert.Equal([("4", "250.00"), (((long)added).ToString(System.Globalization.CultureInfo.InvariantCulture), "900.50")], all.AsArray().Select(d => ((string?)d!["ID"], (string?)d["UF_CRM_BUDGET"])));
        Assert.False(plain[0]!.AsObject().ContainsKey("UF_CRM_BUDGET"));
    }

    [Fact]
    public async Task Shipped_catalog_fields_of_companies_are_listed()
    {
        await using var portal = TestPortal.Small();

        var fields = (await portal.OkAsync("crm.company.userfield.list", new { })).AsArray();

        Assert.Contains(fields, f => (string?)f!["FIELD_NAME"] == "UF_CRM_1687188367" && (string?)f["ENTITY_ID"] == "CRM_COMPANY");
    }

    [Fact]
    public async Task User_fields_can_be_declared_and_listed_inside_a_batch()
    {
        await using var portal = TestPortal.Small();

        var answer = await portal.PostJsonAsync("batch", new
        {
            cmd = new Dictionary<string, string>
            {
                ["add"] = "crm.company.userfield.add?fields[FIELD_NAME]=SEGMENT&fields[USER_TYPE_ID]=string",
                ["list"] = "crm.company.userfield.list?filter[ID]=$result[add]",
            },
        });

        var result = answer.Result!;
        var listed = Assert.Single(result["result"]!["list"]!.AsArray())!;
        Assert.Equal("UF_CRM_SEGMENT", (string?)listed["FIELD_NAME"]);
        Assert.Equal(1, (long)result["result_total"]!["list"]!);
        await portal.AssertNoInternalFailuresAsync();
    }
}
