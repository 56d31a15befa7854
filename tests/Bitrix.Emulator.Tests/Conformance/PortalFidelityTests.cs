using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Tests.Conformance;

/// <summary>
/// Places where a real portal is less regular than a tidy server would be, each with its source in
/// the official REST docs (github.com/bitrix24/b24restdocs, paths below) or the captured fixtures.
/// </summary>
public sealed class PortalFidelityTests : PortalTestBase
{
    // api-reference/crm/deals/crm-deal-get.md: "COMMENTS": "[B]Example comment[\/B]";
    // api-reference/crm/contacts/crm-contact-get.md: "... with type \u0022String\u0022".
    [Fact]
    public async Task Text_is_escaped_on_the_wire_as_the_portal_json_encoder_writes_it()
    {
        var portal = InProcess();
        const string title = "Ёлка \"A\" & <b>'x'</b> /path 😀";
        var id = (long)(await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = title, COMMENTS = "[B]Example comment[/B]" } })).Result!;

        var answer = await portal.PostJsonAsync("crm.deal.get", new { id });

        Assert.Contains(
            @"""TITLE"":""\u0401\u043b\u043a\u0430 \u0022A\u0022 \u0026 \u003Cb\u003E\u0027x\u0027\u003C\/b\u003E \/path \ud83d\ude00""",
            answer.Text,
            StringComparison.Ordinal);
        Assert.Contains(@"""COMMENTS"":""[B]Example comment[\/B]""", answer.Text, StringComparison.Ordinal);
        Assert.Equal(title, (string)answer.Result!["TITLE"]!);

        // Nothing but ASCII on the wire; the '+' of offsets is not escaped.
        Assert.All(Encoding.UTF8.GetBytes(answer.Text), b => Assert.True(b < 0x80));
        Assert.Matches(@"""DATE_CREATE"":""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00""", answer.Text);
    }

    [Theory]
    [InlineData("{\"a\":\"x\\ny\\t\\u001F\\\\z\"}", "{\"a\":\"x\\ny\\t\\u001f\\\\z\"}")]
    [InlineData("{\"a\":\"\\\"q\\\"\"}", "{\"a\":\"\\u0022q\\u0022\"}")]
    [InlineData("{\"a\":[1,-2.5e3,true,null],\"b\":\"plain\"}", "{\"a\":[1,-2.5e3,true,null],\"b\":\"plain\"}")]
    [InlineData("{\"\u00e9\":\"\u20ac/\"}", "{\"\\u00e9\":\"\\u20ac\\/\"}")]
    public void The_escaping_keeps_json_escapes_and_structure_and_uses_php_hex_digits(string written, string expected)
    {
        var output = PortalJsonEscaping.Apply(Encoding.UTF8.GetBytes(written));

        Assert.Equal(expected, Encoding.UTF8.GetString(output));
        Assert.Equal(JsonNode.Parse(written)!.ToJsonString(), JsonNode.Parse(output)!.ToJsonString());
    }

    // api-reference/crm/deals/crm-deal-get.md: "BEGINDATE": "2024-08-30T02:00:00+02:00";
    // api-reference/crm/contacts/crm-contact-get.md: "BIRTHDATE": "2001-11-11T02:00:00+02:00" —
    // midnight UTC of the day, shown in the portal's zone (+02:00 there, +03:00 here).
    [Fact]
    public async Task Date_only_fields_are_midnight_utc_shown_in_the_portal_zone()
    {
        var portal = InProcess();
        var deal = (long)(await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "D", BEGINDATE = "2024-08-30", CLOSEDATE = "09.09.2024" } })).Result!;
        var contact = (long)(await portal.PostJsonAsync("crm.contact.add", new { fields = new { NAME = "C", BIRTHDATE = "2001-11-11T02:00:00+02:00" } })).Result!;

        var d = (await portal.PostJsonAsync("crm.deal.get", new { id = deal })).Result!;
        var c = (await portal.PostJsonAsync("crm.contact.get", new { id = contact })).Result!;
        var seeded = await portal.ReadAllAsync("crm.deal.list", select: new[] { "ID", "BEGINDATE", "CLOSEDATE" });

        Assert.Equal("2024-08-30T03:00:00+03:00", (string)d["BEGINDATE"]!);
        Assert.Equal("2024-09-09T03:00:00+03:00", (string)d["CLOSEDATE"]!);
        Assert.Equal("2001-11-11T03:00:00+03:00", (string)c["BIRTHDATE"]!);
        Assert.All(seeded, r => Assert.Matches(@"T03:00:00\+03:00$", (string)r["BEGINDATE"]!));

        // A date filter still compares calendar days.
        var found = await portal.PostJsonAsync("crm.deal.list", new { filter = new Dictionary<string, object> { ["=BEGINDATE"] = "2024-08-30", ["<=CLOSEDATE"] = "2024-09-09" }, select = new[] { "ID" } });
        Assert.Equal([deal], found.Result.Ids());
    }

    // api-reference/crm/deals/crm-deal-fields.md: "The field CONTACT_IDS is not available in the methods
    // crm.deal.get and crm.deal.list"; the crm-contact-get.md example has COMPANY_ID but no COMPANY_IDS.
    [Fact]
    public async Task Legacy_deal_and_contact_rows_have_no_link_lists_but_the_links_are_kept()
    {
        var portal = InProcess();
        var deal = (long)(await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "L", CONTACT_IDS = new[] { 3, 4 } } })).Result!;
        var contact = (long)(await portal.PostJsonAsync("crm.contact.add", new { fields = new { NAME = "L", COMPANY_IDS = new[] { 2, 5 } } })).Result!;

        var dealRow = (await portal.PostJsonAsync("crm.deal.get", new { id = deal })).Result!.AsObject();
        var listed = (await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "*", "CONTACT_IDS" } })).Result!.AsArray();
        var contactRow = (await portal.PostJsonAsync("crm.contact.get", new { id = contact })).Result!.AsObject();
        var item = (await portal.PostJsonAsync("crm.item.get", new { entityTypeId = 2, id = deal })).Result!["item"]!;

        Assert.False(dealRow.ContainsKey("CONTACT_IDS"));
        Assert.True(dealRow.ContainsKey("CONTACT_ID"));
        Assert.All(listed, r => Assert.False(r!.AsObject().ContainsKey("CONTACT_IDS")));
        Assert.False(contactRow.ContainsKey("COMPANY_IDS"));
        Assert.True(contactRow.ContainsKey("COMPANY_ID"));
        Assert.Equal([3L, 4L], item["contactIds"]!.AsArray().Select(v => (long)v!));
    }

    // The legacy list handlers check order as they check filter ("Parameter 'filter' must be array.", the
    // portal's CRM REST service); the docs list the same message for order with other list methods
    // (api-reference/biconnector/connector/biconnector-connector-list.md: Parameter "order" must be array.).
    [Theory]
    [InlineData("crm.deal.list")]
    [InlineData("crm.contact.list")]
    public async Task An_order_that_is_not_an_array_is_refused(string method)
    {
        var portal = InProcess();

        var answer = await portal.PostJsonAsync(method, new { order = "ID" });
        var asArray = await portal.PostJsonAsync(method, new { order = new { ID = "DESC" }, select = new[] { "ID" } });

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(string.Empty, answer.Error);
        Assert.Equal("Parameter 'order' must be array.", (string?)answer.Json!["error_description"]);
        Assert.Equal(HttpStatusCode.OK, asArray.Status);
    }

    // api-reference/crm/deals/crm-deal-update.md: only id is required, fields is not; without it the
    // update changes nothing and answers true.
    [Fact]
    public async Task An_update_without_fields_succeeds_and_changes_nothing()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.deal", 6);
        var before = (await portal.PostJsonAsync("crm.deal.get", new { id })).Result!;

        var answer = await portal.PostJsonAsync("crm.deal.update", new { id });
        var after = (await portal.PostJsonAsync("crm.deal.get", new { id })).Result!;

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.True((bool)answer.Result!);
        Assert.Equal((string)before["TITLE"]!, (string)after["TITLE"]!);
        Assert.Equal((string)before["OPPORTUNITY"]!, (string)after["OPPORTUNITY"]!);
    }

    // api-reference/crm/deals/crm-deal-fields.md: OPPORTUNITY is of type double — the portal casts what it
    // is sent to a number, so text that is not one is stored as 0.00 (a numeric prefix is kept).
    [Theory]
    [InlineData("abc", "0.00")]
    [InlineData("", "0.00")]
    [InlineData("12abc", "12.00")]
    [InlineData("1500.5", "1500.50")]
    public async Task A_non_numeric_opportunity_is_stored_as_a_number(string written, string stored)
    {
        var portal = InProcess();

        var id = (long)(await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "O", OPPORTUNITY = written } })).Result!;
        await portal.PostJsonAsync("crm.deal.update", new { id = 5, fields = new { OPPORTUNITY = written } });

        Assert.Equal(stored, (string)(await portal.PostJsonAsync("crm.deal.get", new { id })).Result!["OPPORTUNITY"]!);
        Assert.Equal(stored, (string)(await portal.PostJsonAsync("crm.deal.get", new { id = 5 })).Result!["OPPORTUNITY"]!);
    }

    // api-reference/common/system/scope.md and methods.md: scope lists the scopes the webhook has,
    // methods the methods it may call, optionally those of one scope.
    [Fact]
    public async Task Scope_and_methods_list_what_the_webhook_may_use()
    {
        var portal = InProcess();

        var scope = await portal.PostJsonAsync("scope", new { });
        var all = await portal.PostJsonAsync("methods", new { });
        var tasks = await portal.PostJsonAsync("methods", new { scope = "task" });
        var common = await portal.GetAsync("methods?scope=");

        Assert.Equal(["crm", "department", "task", "user"], scope.Result!.AsArray().Select(v => (string)v!));
        var names = all.Result!.AsArray().Select(v => (string)v!).ToList();
        Assert.Contains("crm.deal.list", names);
        Assert.Contains("tasks.task.getfields", names);
        Assert.Contains("batch", names);
        Assert.Contains("scope", names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        var taskNames = tasks.Result!.AsArray().Select(v => (string)v!).ToList();
        Assert.NotEmpty(taskNames);
        Assert.All(taskNames, n => Assert.True(n.StartsWith("tasks.", StringComparison.Ordinal) || n.StartsWith("task.", StringComparison.Ordinal), n));
        Assert.Equal(["batch", "event.bind", "event.get", "event.unbind", "methods", "scope"], common.Result!.AsArray().Select(v => (string)v!));

        // Every method listed can be called: none answers "Method not found".
        foreach (var name in names.Where(n => n.EndsWith(".fields", StringComparison.Ordinal) || n == "scope"))
        {
            Assert.NotEqual(HttpStatusCode.NotFound, (await portal.PostJsonAsync(name, new { })).Status);
        }
    }

    // settings/how-to-call-rest-api/batch.md (references to earlier results) and the portal's batch handler,
    // which walks a reference's path as far as it resolves: a path that does not resolve to the end is
    // replaced by the deepest part that does (here the whole result of "a": 37 rows).
    [Fact]
    public async Task A_reference_past_the_end_of_a_page_is_replaced_by_the_deepest_part_that_resolves()
    {
        var options = Small();
        options.Deals = 37;
        var portal = InProcess(options);

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["a"] = "crm.deal.list?select[]=ID&order[ID]=ASC",
            ["c"] = "crm.deal.list?select[]=ID&filter[>CONTACT_ID]=0",
            ["d"] = "crm.item.get?entityTypeId=2&id=$result[c][0][ID]",
            ["embedded"] = "crm.deal.add?fields[TITLE]=rows:$result[a][999][ID]",
            ["whole"] = "crm.contact.list?select[]=ID&filter[@ID]=$result[d][item][contactIds][999]",
        });

        var result = answer.Result!["result"]!;
        Assert.Equal(37, result["a"]!.AsArray().Count);

        // Embedded in text, the deepest part is a list, and the portal puts only strings and
        // numbers into longer text: the reference stays as written.
        var added = (long)result["embedded"]!;
        Assert.Equal("rows:$result[a][999][ID]", (string)(await portal.PostJsonAsync("crm.deal.get", new { id = added })).Result!["TITLE"]!);

        // As the whole value, the deepest part is handed over raw: the whole contactIds list.
        var contactIds = result["d"]!["item"]!["contactIds"]!.AsArray().Select(v => (long)v!).ToList();
        Assert.NotEmpty(contactIds);
        Assert.Equal(contactIds.Order(), result["whole"].Ids().Order());
        Assert.Empty(answer.Result!["result_error"]!.AsArray());
    }
}
