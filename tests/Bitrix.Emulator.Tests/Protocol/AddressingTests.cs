namespace Bitrix.Emulator.Tests.Protocol;

/// <summary>Webhook addressing (docs/protocol.md §1) and the routing errors of §2.</summary>
public sealed class AddressingTests : PortalTestBase
{
    [Theory]
    [InlineData("crm.deal.get?id={id}")]
    [InlineData("crm.deal.get.json?id={id}")]
    [InlineData("crm.deal.get/?id={id}")]
    [InlineData("crm.deal.get.json/?id={id}")]
    [InlineData("CRM.DEAL.GET?id={id}")]
    [InlineData("Crm.Deal.Get.JSON?id={id}")]
    public async Task A_webhook_call_accepts_the_json_suffix_a_trailing_slash_and_any_case(string path)
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.deal", 6);

        var answer = await portal.GetAsync(path.Replace("{id}", id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("application/json", answer.MediaType);
        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), (string)answer.Result!["ID"]!);
    }

    [Fact]
    public async Task The_webhook_url_is_rest_user_code_method()
    {
        var portal = InProcess();

        var id = await portal.IdAsync("crm.deal", 1);

        var answer = await portal.RawAsync(HttpMethod.Get, $"/rest/1/emulatorsecret/crm.deal.get?id={id}");

        Assert.Equal("/rest/1/emulatorsecret/", portal.Webhook.AbsolutePath);
        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), (string)answer.Result!["ID"]!);
    }

    [Fact]
    public async Task An_xml_suffix_is_refused_with_400()
    {
        var portal = InProcess();

        var answer = await portal.GetAsync("crm.deal.get.xml?id=7");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.NotNull(answer.Error);
    }

    [Theory]
    [InlineData("crm.deal.nosuch")]
    [InlineData("crm.unknown.list")]
    [InlineData("batchx")]
    public async Task An_unknown_method_is_404_method_not_found(string method)
    {
        var portal = InProcess();

        var answer = await portal.PostJsonAsync(method, new { });

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal("""{"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"}""", answer.Text);
    }

    [Theory]
    [InlineData("/rest/1/wrongsecret/crm.deal.get?id=1")]
    [InlineData("/rest/2/emulatorsecret/crm.deal.get?id=1")]
    [InlineData("/rest/1/EMULATORSECRET/crm.deal.get?id=1")]
    public async Task A_wrong_webhook_is_401_invalid_credentials(string path)
    {
        var portal = InProcess();

        var answer = await portal.RawAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("INVALID_CREDENTIALS", answer.Error);
        Assert.Equal("Invalid request credentials", (string)answer.Json!["error_description"]!);
    }

    [Fact]
    public async Task An_error_answer_has_only_error_and_description()
    {
        var portal = InProcess();

        var answer = await portal.GetAsync("crm.deal.get?id=999999");

        Assert.Equal(["error", "error_description"], answer.Json!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_success_answer_has_result_and_time()
    {
        var portal = InProcess();

        var answer = await portal.GetAsync($"crm.deal.get?id={await portal.IdAsync("crm.deal", 0)}");

        Assert.Equal(["result", "time"], answer.Json!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_path_outside_rest_is_an_html_404()
    {
        var portal = InProcess();

        var answer = await portal.RawAsync(HttpMethod.Get, "/bitrix/admin/");

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal("text/html", answer.MediaType);
    }

    [Theory]
    [InlineData("/rest/1/emulatorsecret/")]
    [InlineData("/rest/")]
    [InlineData("/rest")]
    [InlineData("/rest/1/")]
    public async Task A_rest_path_without_a_method_is_a_json_error_not_a_crash(string path)
    {
        var portal = InProcess();

        var answer = await portal.RawAsync(HttpMethod.Get, path);

        Assert.True((int)answer.Status is >= 400 and < 500, $"{path}: {answer.Status}");
    }

    [Fact]
    public async Task Get_and_post_reach_the_same_method()
    {
        var portal = InProcess();

        var get = await portal.GetAsync("crm.deal.list?select[]=ID&start=50");
        var post = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID" }, start = 50 });

        Assert.Equal(get.Result.Ids(), post.Result.Ids());
    }

    [Fact]
    public async Task Top_level_keys_are_case_insensitive()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");
        var bound = ids[39];

        var lower = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID", "TITLE" }, filter = new Dictionary<string, object> { [">ID"] = bound }, order = new { ID = "DESC" }, start = 50 });
        var upper = await portal.PostJsonAsync("crm.deal.list", JsonNode.Parse($$"""{"SELECT": ["ID", "TITLE"], "FILTER": {">ID": {{bound}}}, "ORDER": {"ID": "DESC"}, "START": 50}"""));
        var mixed = await portal.GetAsync($"crm.deal.list?Select[]=ID&Select[]=TITLE&Filter[%3EID]={bound}&Order[ID]=DESC&Start=50");
        var get = await portal.GetAsync($"crm.deal.get?ID={ids[6]}");

        // 80 rows match; the second page of 50 holds the last 30 of them.
        Assert.Equal(ids.Skip(40).Reverse().Skip(50), lower.Result.Ids());
        Assert.Equal(lower.Result!.ToJsonString(), upper.Result!.ToJsonString());
        Assert.Equal(lower.Result!.ToJsonString(), mixed.Result!.ToJsonString());
        Assert.Equal(ids[6].ToString(CultureInfo.InvariantCulture), (string)get.Result!["ID"]!);
    }

    [Fact]
    public async Task Unknown_extra_keys_are_ignored()
    {
        var portal = InProcess();

        var id = await portal.IdAsync("crm.deal", 6);

        var plain = await portal.GetAsync($"crm.deal.get?id={id}");
        var extra = await portal.GetAsync($"crm.deal.get?id={id}&bx24_request_id=abc123&whatever[x]=1&_=1700000000");

        Assert.Equal(HttpStatusCode.OK, extra.Status);
        Assert.Equal(plain.Result!.ToJsonString(), extra.Result!.ToJsonString());
    }
}
