using System.Net.Http.Headers;

namespace Bitrix.Emulator.Tests.Protocol;

/// <summary>Request bodies (docs/protocol.md §1): GET query, JSON, form-urlencoded and multipart with PHP keys, their merge, and server quirks.</summary>
public sealed class BodyTests : PortalTestBase
{
    private static readonly (string Key, string Value)[] ListParameters =
    [
        ("filter[>ID]", "5"),
        ("filter[<ID]", "80"),
        ("filter[@STAGE_ID][]", "NEW"),
        ("filter[@STAGE_ID][]", "WON"),
        ("select[]", "ID"),
        ("select[]", "TITLE"),
        ("order[ID]", "DESC"),
    ];

    [Fact]
    public async Task Query_json_form_and_multipart_carry_the_same_parameters()
    {
        var portal = InProcess();
        var encoded = string.Join("&", ListParameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var raw = string.Join("&", ListParameters.Select(p => p.Key + "=" + p.Value));

        var json = await portal.PostJsonAsync("crm.deal.list", new
        {
            filter = new Dictionary<string, object> { [">ID"] = 5, ["<ID"] = 80, ["@STAGE_ID"] = new[] { "NEW", "WON" } },
            select = new[] { "ID", "TITLE" },
            order = new { ID = "DESC" },
        });
        var query = await portal.GetAsync("crm.deal.list?" + encoded);
        var unencodedQuery = await portal.GetAsync("crm.deal.list?" + raw);
        var form = await portal.PostFormAsync("crm.deal.list", encoded);
        var multipart = await portal.SendAsync(HttpMethod.Post, new Uri(portal.Webhook, "crm.deal.list"), Multipart(ListParameters));

        Assert.NotEmpty(json.Result!.AsArray());
        Assert.All(json.Result!.AsArray(), r => Assert.Contains((string)r!["ID"]!, Enumerable.Range(6, 74).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        foreach (var other in new[] { query, unencodedQuery, form, multipart })
        {
            Assert.Equal(HttpStatusCode.OK, other.Status);
            Assert.Equal(json.Result!.ToJsonString(), other.Result!.ToJsonString());
            Assert.Equal((long)json.Json!["total"]!, (long)other.Json!["total"]!);
        }
    }

    [Fact]
    public async Task Multifield_values_can_be_written_with_php_keys_in_a_form_and_in_multipart()
    {
        var portal = InProcess();

        var formId = (long)(await portal.PostFormAsync("crm.contact.add", "fields[NAME]=Ivan&fields[PHONE][0][VALUE]=%2B7%20900%20123-45-67&fields[PHONE][0][VALUE_TYPE]=WORK")).Result!;
        var multipartId = (long)(await portal.SendAsync(HttpMethod.Post, new Uri(portal.Webhook, "crm.contact.add"), Multipart(
        [
            ("fields[NAME]", "Maria"),
            ("fields[PHONE][0][VALUE]", "+7 900 765-43-21"),
            ("fields[PHONE][0][VALUE_TYPE]", "MOBILE"),
            ("fields[EMAIL][0][VALUE]", "maria@example.ru"),
        ]))).Result!;

        var ivan = (await portal.PostJsonAsync("crm.contact.get", new { id = formId })).Result!;
        var maria = (await portal.PostJsonAsync("crm.contact.get", new { id = multipartId })).Result!;
        Assert.Equal("+7 900 123-45-67", (string)ivan["PHONE"]![0]!["VALUE"]!);
        Assert.Equal("WORK", (string)ivan["PHONE"]![0]!["VALUE_TYPE"]!);
        Assert.Equal("+7 900 765-43-21", (string)maria["PHONE"]![0]!["VALUE"]!);
        Assert.Equal("maria@example.ru", (string)maria["EMAIL"]![0]!["VALUE"]!);
    }

    [Fact]
    public async Task A_multipart_file_part_is_read_as_its_file_name()
    {
        var portal = InProcess();
        var content = Multipart([("fields[TITLE]", "With a file")]);
        content.Add(new ByteArrayContent([1, 2, 3]), "fields[COMMENTS]", "offer.pdf");

        var id = (long)(await portal.SendAsync(HttpMethod.Post, new Uri(portal.Webhook, "crm.deal.add"), content)).Result!;
        var deal = (await portal.PostJsonAsync("crm.deal.get", new { id })).Result!;

        Assert.Equal("With a file", (string)deal["TITLE"]!);
        Assert.Equal("offer.pdf", (string)deal["COMMENTS"]!);
    }

    [Fact]
    public async Task Query_and_body_are_merged_and_the_body_wins()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");

        var jsonWins = await portal.SendAsync(HttpMethod.Post, new Uri(portal.Webhook, $"crm.deal.get?id={ids[0]}"), new StringContent($$"""{"id": {{ids[1]}}}""", Encoding.UTF8, "application/json"));
        var formWins = await portal.SendAsync(HttpMethod.Post, new Uri(portal.Webhook, $"crm.deal.get?id={ids[0]}"), new StringContent($"id={ids[2]}", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var merged = await portal.SendAsync(HttpMethod.Post, new Uri(portal.Webhook, "crm.deal.list?select[]=ID&start=50"), new StringContent($$$"""{"filter": {"<ID": {{{ids[59]}}}}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(ids[1].ToString(CultureInfo.InvariantCulture), (string)jsonWins.Result!["ID"]!);
        Assert.Equal(ids[2].ToString(CultureInfo.InvariantCulture), (string)formWins.Result!["ID"]!);
        Assert.Equal(ids.Skip(50).Take(9), merged.Result.Ids());
        Assert.Equal(["ID"], merged.Result![0]!.AsObject().Select(p => p.Key));
    }

    [Theory]
    [InlineData("{\"filter\": {\">ID\": 5")]
    [InlineData("{select: [ID]}")]
    [InlineData("\u00ff\u00fe garbage")]
    public async Task Broken_json_reads_as_no_parameters_not_as_an_error(string body)
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.deal", 3);

        var list = await portal.SendAsync(HttpMethod.Post, new Uri(portal.Webhook, "crm.deal.list"), new StringContent(body, Encoding.UTF8, "application/json"));
        var get = await portal.SendAsync(HttpMethod.Post, new Uri(portal.Webhook, $"crm.deal.get?id={id}"), new StringContent(body, Encoding.UTF8, "application/json"));
        var noId = await portal.SendAsync(HttpMethod.Post, new Uri(portal.Webhook, "crm.deal.get"), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(50, list.Result!.AsArray().Count);
        Assert.Equal(120, (long)list.Json!["total"]!);
        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), (string)get.Result!["ID"]!);
        Assert.Equal("ID is not defined or invalid.", (string)noId.Json!["error_description"]!);
    }

    [Fact]
    public async Task A_body_without_a_content_type_is_read_as_json()
    {
        var portal = InProcess();

        var answer = await portal.RawAsync(HttpMethod.Post, "crm.deal.get", """{"id": 6}""", contentType: null);
        var textPlain = await portal.RawAsync(HttpMethod.Post, "crm.deal.get", """{"id": 6}""", "text/plain");

        Assert.Equal("6", (string)answer.Result!["ID"]!);
        Assert.Equal("6", (string)textPlain.Result!["ID"]!);
    }

    [Fact]
    public async Task Numbers_and_strings_are_the_same_to_legacy_methods()
    {
        var portal = InProcess();

        var number = await portal.PostJsonAsync("crm.deal.get", JsonNode.Parse("""{"id": 6}"""));
        var text = await portal.PostJsonAsync("crm.deal.get", JsonNode.Parse("""{"id": "6"}"""));

        Assert.Equal(number.Result!.ToJsonString(), text.Result!.ToJsonString());
    }

    [Fact]
    public async Task A_positional_json_list_body_is_not_an_error()
    {
        var portal = InProcess();

        var answer = await portal.RawAsync(HttpMethod.Post, "crm.deal.get", """[6, {"POST_MESSAGE": "hi"}]""", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("ID is not defined or invalid.", (string)answer.Json!["error_description"]!);
    }

    [Fact]
    public async Task Non_ascii_text_round_trips_through_json_form_and_multipart()
    {
        var portal = InProcess();
        const string title = "Сделка «Ёлка» — 100 %";

        var viaJson = (long)(await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = title } })).Result!;
        var viaForm = (long)(await portal.PostFormAsync("crm.deal.add", "fields[TITLE]=" + Uri.EscapeDataString(title))).Result!;
        var viaMultipart = (long)(await portal.SendAsync(HttpMethod.Post, new Uri(portal.Webhook, "crm.deal.add"), Multipart([("fields[TITLE]", title)]))).Result!;

        foreach (var id in new[] { viaJson, viaForm, viaMultipart })
        {
            var deal = await portal.PostJsonAsync("crm.deal.get", new { id });
            Assert.Equal(title, (string)deal.Result!["TITLE"]!);
            // On the wire the portal escapes every non-ASCII character.
            Assert.Contains("\\u0401\\u043b\\u043a\\u0430", deal.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Json_null_reaches_the_handler_while_a_form_cannot_send_null()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.deal", 10);
        await portal.PostJsonAsync("crm.deal.update", new { id, fields = new { COMMENTS = "x" } });

        await portal.PostFormAsync("crm.deal.update", $"id={id}&fields[COMMENTS]=null");
        var afterForm = (await portal.PostJsonAsync("crm.deal.get", new { id })).Result!;
        await portal.PostJsonAsync("crm.deal.update", JsonNode.Parse($$$"""{"id": {{{id}}}, "fields": {"COMMENTS": null}}"""));
        var afterJson = (await portal.PostJsonAsync("crm.deal.get", new { id })).Result!;

        Assert.Equal("null", (string?)afterForm["COMMENTS"]);
        Assert.Null(afterJson["COMMENTS"]);
    }

    private static MultipartFormDataContent Multipart(IEnumerable<(string Key, string Value)> parts)
    {
        var content = new MultipartFormDataContent();
        foreach (var (key, value) in parts)
        {
            var part = new StringContent(value, Encoding.UTF8);
            part.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain; charset=utf-8");
            content.Add(part, key);
        }

        return content;
    }
}
