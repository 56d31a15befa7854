namespace Bitrix.Emulator.Tests.Methods;

public sealed class SmartProcessTests
{
    [Fact]
    public async Task Crm_type_add_then_list_and_get_answer_the_documented_shapes()
    {
        await using var portal = TestPortal.Small();

        var added = (await portal.OkAsync("crm.type.add", new { fields = new { title = "Orders", isStagesEnabled = "Y", isCategoriesEnabled = "Y" } }))["type"]!.AsObject();
        var explicitId = (await portal.OkAsync("crm.type.add", new { fields = new { title = "Returns", entityTypeId = 1036 } }))["type"]!.AsObject();

        Assert.Equal(1030, (long)added["entityTypeId"]!);
        Assert.Equal(1036, (long)explicitId["entityTypeId"]!);
        Assert.Equal("Y", (string?)added["isStagesEnabled"]);
        Assert.Equal("N", (string?)explicitId["isStagesEnabled"]);
        Assert.Equal("Y", (string?)explicitId["isSetOpenPermissions"]);
        Assert.NotNull(added["relations"]);

        var list = await portal.PostJsonAsync("crm.type.list", new { order = new { id = "DESC" } });
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var types = list.Result!["types"]!.AsArray();
        Assert.Equal(["Returns", "Orders"], types.Select(t => (string)t!["title"]!));
        Assert.Equal(2, (long?)list.Json!["total"]);
        Assert.Null(types[0]!["relations"]);
        foreach (var key in new[] { "id", "title", "code", "createdBy", "entityTypeId", "customSectionId", "isCategoriesEnabled", "isClientEnabled", "createdTime", "updatedTime", "updatedBy" })
        {
            Assert.True(types[0]!.AsObject().ContainsKey(key), key);
        }

        var filtered = await portal.OkAsync("crm.type.list", new { filter = new Dictionary<string, object> { ["%title"] = "ret" } });
        Assert.Equal(1036, (long)filtered["types"]!.AsArray().Single()!["entityTypeId"]!);

        var byId = await portal.OkAsync("crm.type.get", new { id = (long)added["id"]! });
        Assert.Equal("Orders", (string?)byId["type"]!["title"]);
        var byType = await portal.OkAsync("crm.type.getByEntityTypeId", new { entityTypeId = 1036 });
        Assert.Equal("Returns", (string?)byType["type"]!["title"]);
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Unknown_types_and_bad_declarations_fail_as_the_portal_does()
    {
        await using var portal = TestPortal.Small();

        Assert.Equal("SPA not found", await portal.FailsAsync("crm.type.get", new { id = 99 }, "0"));
        await portal.FailsAsync("crm.type.list", new { filter = new { nope = 1 } }, "INVALID_ARG_VALUE");
        await portal.FailsAsync("crm.type.add", new { fields = new { title = "Odd", entityTypeId = 1031 } }, "ERROR_CORE");
        await portal.FailsAsync("crm.type.add", new { fields = new { code = "no-title" } }, "ERROR_CORE");
        await portal.OkAsync("crm.type.add", new { fields = new { title = "A", entityTypeId = 150 } });
        await portal.FailsAsync("crm.type.add", new { fields = new { title = "B", entityTypeId = 150 } }, "ERROR_CORE");
        await portal.FailsAsync("crm.item.list", new { entityTypeId = 1040 }, "NOT_FOUND");
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Items_of_a_declared_type_have_its_own_fields_funnels_and_stages()
    {
        await using var portal = TestPortal.Small();
        var entityTypeId = await portal.Emulator.DeclareSmartProcessAsync(new SmartProcessDeclaration("Orders") { EntityTypeId = 1036, Categories = ["Retail", "Wholesale"] });
        var field = await portal.Emulator.DeclareUserFieldAsync(new UserFieldDeclaration("crm.item.1036", "WEIGHT", "double"));
        Assert.Equal("UF_CRM_1_WEIGHT", field);

        var categories = (await portal.OkAsync("crm.category.list", new { entityTypeId }))["categories"]!.AsArray();
        Assert.Equal(["Retail", "Wholesale"], categories.Select(c => (string)c!["name"]!));
        Assert.Equal("Y", (string?)categories[0]!["isDefault"]);
        var retail = (long)categories[0]!["id"]!;
        var wholesale = (long)categories[1]!["id"]!;
        var stages = (await portal.OkAsync("crm.status.list", new { filter = new { ENTITY_ID = $"DYNAMIC_1036_STAGE_{wholesale}" } })).AsArray();
        Assert.Equal([$"DT1036_{wholesale}:NEW", $"DT1036_{wholesale}:PREPARATION", $"DT1036_{wholesale}:CLIENT", $"DT1036_{wholesale}:SUCCESS", $"DT1036_{wholesale}:FAIL"], stages.Select(s => (string)s!["STATUS_ID"]!));
        Assert.Equal("success", (string?)stages[3]!["EXTRA"]!["SEMANTICS"]);

        var fields = (await portal.OkAsync("crm.item.fields", new { entityTypeId }))["fields"]!.AsObject();
        Assert.Equal("double", (string?)fields["ufCrm1_WEIGHT"]!["type"]);
        Assert.Equal("crm_status", (string?)fields["stageId"]!["type"]);
        Assert.False(fields.ContainsKey("parentId1248"));
        Assert.Equal(0, (long)(await portal.PostJsonAsync("crm.item.list", new { entityTypeId })).Json!["total"]!);

        var item = (await portal.OkAsync("crm.item.add", new { entityTypeId, fields = new { title = "First", ufCrm1_WEIGHT = 2.5, opportunity = 100 } }))["item"]!.AsObject();
        Assert.Equal(1, (long)item["id"]!);
        Assert.Equal(retail, (long)item["categoryId"]!);
        Assert.Equal($"DT1036_{retail}:NEW", (string?)item["stageId"]);
        Assert.Equal(2.5, (double)item["ufCrm1_WEIGHT"]!);
        Assert.Equal(1036, (long)item["entityTypeId"]!);
        Assert.NotNull((string?)item["createdTime"]);

        var moved = (await portal.OkAsync("crm.item.update", new { entityTypeId, id = 1, fields = new { categoryId = wholesale } }))["item"]!;
        Assert.Equal($"DT1036_{wholesale}:NEW", (string?)moved["stageId"]);
        await portal.FailsAsync("crm.item.update", new { entityTypeId, id = 1, fields = new { stageId = $"DT1036_{retail}:SUCCESS" } }, "INVALID_ARG_VALUE");
        var won = (await portal.OkAsync("crm.item.update", new { entityTypeId, id = 1, fields = new { stageId = $"DT1036_{wholesale}:SUCCESS" } }))["item"]!;
        Assert.Equal($"DT1036_{wholesale}:SUCCESS", (string?)won["stageId"]);

        await portal.OkAsync("crm.item.add", new { entityTypeId, fields = new { title = "Second", categoryId = retail } });
        var listed = await portal.PostJsonAsync("crm.item.list", new { entityTypeId, filter = new Dictionary<string, object> { [">ufCrm1_WEIGHT"] = 1 }, select = new[] { "id", "title", "ufCrm1_WEIGHT" } });
        Assert.Equal("First", (string?)listed.Result!["items"]!.AsArray().Single()!["title"]);
        var deals = await portal.PostJsonAsync("crm.item.list", new { entityTypeId = 2 });
        Assert.Equal(120, (long)deals.Json!["total"]!);

        Assert.Empty((await portal.OkAsync("crm.item.delete", new { entityTypeId, id = 1 })).AsArray());
        await portal.FailsAsync("crm.item.get", new { entityTypeId, id = 1 }, "NOT_FOUND");
        await portal.AssertNoInternalFailuresAsync();
    }
}
