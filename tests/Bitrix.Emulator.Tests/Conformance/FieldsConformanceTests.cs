namespace Bitrix.Emulator.Tests.Conformance;

/// <summary>The legacy <c>*.fields</c> answers are the documented catalogs (fixtures/docs-fields), plus declared user fields.</summary>
public sealed class FieldsConformanceTests : PortalTestBase
{
    public static TheoryData<string> Entities() => ["crm.deal", "crm.lead", "crm.contact", "crm.company", "crm.activity"];

    [Theory]
    [MemberData(nameof(Entities))]
    public async Task The_fields_answer_equals_the_documented_catalog_field_by_field_in_order(string entity)
    {
        var portal = InProcess();
        var documented = Fixtures.DocsFields(entity + ".fields");

        var answer = await portal.PostJsonAsync(entity + ".fields", null);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var served = answer.Result!.AsObject();
        Assert.Equal(documented.Select(p => p.Key), served.Select(p => p.Key));
        foreach (var (name, definition) in documented)
        {
            Assert.True(JsonNode.DeepEquals(definition, served[name]), $"{entity}.{name}: documented {definition!.ToJsonString()}, served {served[name]?.ToJsonString()}");
        }
    }

    [Theory]
    [MemberData(nameof(Entities))]
    public async Task The_fields_answer_is_the_same_over_get_and_with_an_upper_case_method_name(string entity)
    {
        var portal = InProcess();

        var post = await portal.PostJsonAsync(entity + ".fields", null);
        var get = await portal.GetAsync(entity.ToUpperInvariant() + ".FIELDS.json");

        Assert.True(JsonNode.DeepEquals(post.Result, get.Result));
    }

    [Theory]
    [InlineData("crm.deal")]
    [InlineData("crm.lead")]
    [InlineData("crm.contact")]
    [InlineData("crm.company")]
    public async Task A_declared_user_field_follows_the_documented_fields_and_is_dynamic(string entity)
    {
        var portal = InProcess();
        var documented = Fixtures.DocsFields(entity + ".fields");

        var name = await portal.Emulator.DeclareUserFieldAsync(new UserFieldDeclaration(entity, "UF_CRM_REGION", "enumeration")
        {
            Label = "Region",
            Items = ["North", "South"],
            Multiple = true,
        });
        var served = (await portal.PostJsonAsync(entity + ".fields", null)).Result!.AsObject();

        Assert.Equal("UF_CRM_REGION", name);
        Assert.Equal([.. documented.Select(p => p.Key), name], served.Select(p => p.Key));
        var field = served[name]!;
        Assert.True((bool)field["isDynamic"]!);
        Assert.True((bool)field["isMultiple"]!);
        Assert.Equal("enumeration", (string)field["type"]!);
        Assert.Equal(name, (string)field["title"]!);
        Assert.Equal("Region", (string)field["listLabel"]!);
        Assert.Equal(["North", "South"], field["items"]!.AsArray().Select(i => (string)i!["VALUE"]!));
        Assert.All(field["items"]!.AsArray(), i => Assert.Matches(@"^\d+$", (string)i!["ID"]!));
    }

    [Fact]
    public async Task A_declared_user_field_name_gets_the_uf_crm_prefix_and_upper_case()
    {
        var portal = InProcess();

        var name = await portal.Emulator.DeclareUserFieldAsync(new UserFieldDeclaration("crm.deal", "budget_code"));
        var served = (await portal.PostJsonAsync("crm.deal.fields", null)).Result!.AsObject();

        Assert.Equal("UF_CRM_BUDGET_CODE", name);
        Assert.True((bool)served[name]!["isDynamic"]!);
        Assert.Equal("string", (string)served[name]!["type"]!);
    }

    [Fact]
    public async Task A_declared_user_field_is_listed_with_uf_star_and_printed_by_get()
    {
        var portal = InProcess();
        var name = await portal.Emulator.DeclareUserFieldAsync(new UserFieldDeclaration("crm.deal", "UF_CRM_CODE"));
        var id = await portal.IdAsync("crm.deal", 2);
        await portal.PostJsonAsync("crm.deal.update", new { id, fields = new Dictionary<string, string> { [name] = "X-1" } });

        var list = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "UF_*" }, filter = new Dictionary<string, object> { ["ID"] = id } });
        var get = await portal.PostJsonAsync("crm.deal.get", new { id });

        Assert.Equal(["ID", name], list.Result![0]!.AsObject().Select(p => p.Key));
        Assert.Equal("X-1", (string)list.Result![0]![name]!);
        Assert.Equal("X-1", (string)get.Result![name]!);
    }

    [Fact]
    public async Task User_fields_cannot_be_declared_on_activities()
    {
        var portal = InProcess();

        await Assert.ThrowsAsync<ArgumentException>(() => portal.Emulator.DeclareUserFieldAsync(new UserFieldDeclaration("crm.activity", "UF_CRM_X")));
    }
}
