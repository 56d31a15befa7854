namespace Bitrix.Emulator.Tests.Protocol;

/// <summary>
/// Whatever a client sends, the portal answers with documented behaviour — a JSON envelope, a
/// legacy error, parameters ignored — and never with a defect of its own: the base class fails
/// every test whose portal counted an <see cref="EmulatorStats.InternalFailures"/>.
/// </summary>
public sealed class BadRequestTests : PortalTestBase
{
    private static readonly string[] ContentTypes =
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=XyZ",
        "multipart/form-data",
        "text/xml",
        "application/octet-stream",
    ];

    [Fact]
    public async Task Random_bytes_under_every_content_type_get_json_answers()
    {
        var options = Small();
        options.BucketCapacity = 10_000;
        var portal = InProcess(options);
        var random = new Random(20240901);

        foreach (var contentType in ContentTypes)
        {
            for (var i = 0; i < 8; i++)
            {
                var body = new byte[random.Next(1, 4096)];
                random.NextBytes(body);
                foreach (var method in new[] { "crm.deal.list", "crm.deal.add", "crm.deal.update", "batch" })
                {
                    var answer = await portal.RawAsync(HttpMethod.Post, method, body, contentType);

                    AssertDocumented(answer);
                }
            }
        }
    }

    [Theory]
    [InlineData("a[b=1")]
    [InlineData("[]=x")]
    [InlineData("filter[[[[[=1")]
    [InlineData("filter]]]]=1")]
    [InlineData("filter[>ID]=%FF%FE%00")]
    [InlineData("%=%&%%%=%%")]
    [InlineData("=&=&=&&&")]
    [InlineData("select[][][][]=ID&select=ID")]
    [InlineData("filter=1&filter[ID]=2&filter[ID][x]=3")]
    [InlineData("order[ID][]=DESC&start[]=5")]
    [InlineData("fields[PHONE]=x&fields[PHONE][0]=y&fields[PHONE][1][ID]=z")]
    [InlineData("id[]=1&fields=abc")]
    public async Task Broken_php_keys_get_documented_answers(string form)
    {
        var portal = InProcess();

        foreach (var method in new[] { "crm.deal.list", "crm.deal.get", "crm.contact.add", "crm.contact.update", "batch" })
        {
            AssertDocumented(await portal.PostFormAsync(method, form));
            AssertDocumented(await portal.GetAsync(method + "?" + form));
        }
    }

    [Fact]
    public async Task Deeply_nested_keys_and_json_get_documented_answers()
    {
        var portal = InProcess();
        var deepKey = "filter" + string.Concat(Enumerable.Repeat("[a]", 1000)) + "=1";
        var deepJson = string.Concat(Enumerable.Repeat("[", 5000)) + string.Concat(Enumerable.Repeat("]", 5000));
        var deepFilter = "{\"filter\":" + string.Concat(Enumerable.Repeat("{\"0\":", 400)) + "{\">ID\":5}" + new string('}', 400) + "}";
        var deepLogic = "{\"filter\":" + string.Concat(Enumerable.Repeat("{\"logic\":\"OR\",\"x\":", 300)) + "{\"logic\":\"OR\"}" + new string('}', 300) + "}";

        AssertDocumented(await portal.PostFormAsync("crm.deal.list", deepKey));
        AssertDocumented(await portal.RawAsync(HttpMethod.Post, "crm.deal.list", deepJson, "application/json"));
        AssertDocumented(await portal.RawAsync(HttpMethod.Post, "crm.deal.list", deepFilter, "application/json"));
        AssertDocumented(await portal.RawAsync(HttpMethod.Post, "crm.deal.list", deepLogic, "application/json"));
        AssertDocumented(await portal.BatchAsync(new Dictionary<string, string> { ["a"] = "crm.deal.list?" + deepKey }));
    }

    [Fact]
    public async Task A_ten_megabyte_value_is_stored_and_read_back()
    {
        var portal = InProcess();
        var big = new string('x', 10 * 1024 * 1024);

        var add = await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "big", COMMENTS = big } });
        var get = await portal.PostJsonAsync("crm.deal.get", new { id = (long)add.Result! });

        Assert.Equal(HttpStatusCode.OK, add.Status);
        Assert.Equal(big.Length, ((string)get.Result!["COMMENTS"]!).Length);
    }

    [Fact]
    public async Task Ten_megabytes_of_garbage_are_read_as_no_parameters()
    {
        var portal = InProcess();
        var random = new Random(7);
        var garbage = new byte[10 * 1024 * 1024];
        random.NextBytes(garbage);
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=[]%+._ &";
        var formGarbage = Encoding.ASCII.GetBytes(string.Create(10 * 1024 * 1024, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        }));

        var json = await portal.RawAsync(HttpMethod.Post, "crm.deal.list", garbage, "application/json");
        var form = await portal.RawAsync(HttpMethod.Post, "crm.deal.list", formGarbage, "application/x-www-form-urlencoded");
        var multipart = await portal.RawAsync(HttpMethod.Post, "crm.deal.list", garbage, "multipart/form-data; boundary=abc");

        Assert.Equal(HttpStatusCode.OK, json.Status);
        Assert.Equal(120, (long)json.Json!["total"]!);
        AssertDocumented(form);
        AssertDocumented(multipart);
    }

    [Fact]
    public async Task Ten_thousand_filter_keys_are_accepted_and_unknown_ones_ignored()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");
        var filter = Enumerable.Range(0, 10_000).ToDictionary(i => "UF_NOPE_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => (object)i);
        filter["<ID"] = ids[10];
        var form = string.Join("&", filter.Select(p => $"filter[{Uri.EscapeDataString(p.Key)}]={p.Value}"));

        var json = await portal.PostJsonAsync("crm.deal.list", new { filter, select = new[] { "ID" } });
        var viaForm = await portal.PostFormAsync("crm.deal.list", form + "&select[]=ID");
        var manyIds = await portal.PostJsonAsync("crm.deal.list", new { filter = new Dictionary<string, object> { ["@ID"] = Enumerable.Range(1, 10_000).ToArray() }, select = new[] { "ID" } });

        Assert.Equal(ids.Take(10), json.Result.Ids());
        Assert.Equal(ids.Take(10), viaForm.Result.Ids());
        Assert.Equal(120, (long)manyIds.Json!["total"]!);
    }

    [Fact]
    public async Task Garbled_multipart_bodies_get_documented_answers()
    {
        var portal = InProcess();
        var longBoundary = new string('b', 5000);
        var cases = new (string ContentType, string Body)[]
        {
            ("multipart/form-data; boundary=" + longBoundary, "--" + longBoundary + "\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n5\r\n--" + longBoundary + "--\r\n"),
            ("multipart/form-data; boundary=", "--\r\n\r\n"),
            ("multipart/form-data; boundary=\"unterminated", "--x\r\n"),
            ("multipart/form-data; boundary=abc", "--abc\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n5"),
            ("multipart/form-data; boundary=abc", "--abc\r\nContent-Disposition: garbage\r\n\r\n5\r\n--abc--\r\n"),
            ("multipart/form-data; boundary=abc", "--abc\r\n" + string.Concat(Enumerable.Repeat("X-H: v\r\n", 5000)) + "\r\n5\r\n--abc--\r\n"),
            ("multipart/form-data; boundary=abc", "--abc\r\nContent-Disposition: form-data; name=\"a[b\"\r\n\r\n5\r\n--abc\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n6\r\n--abc--\r\n"),
            ("multipart/form-data; boundary=abc; boundary=def", "--def--"),
            ("multipart/form-data;;;===", "x"),
        };

        foreach (var (contentType, body) in cases)
        {
            AssertDocumented(await portal.RawAsync(HttpMethod.Post, "crm.deal.get", body, contentType));
        }
    }

    [Theory]
    [InlineData("""{"start": 1e400}""")]
    [InlineData("""{"start": -1e400}""")]
    [InlineData("""{"start": "99999999999999999999999"}""")]
    [InlineData("""{"start": 1000000000000000000}""")]
    [InlineData("""{"start": {"a": 1}}""")]
    [InlineData("""{"start": [1, 2]}""")]
    [InlineData("""{"order": {"ID": "SIDEWAYS", "NOPE": "DESC"}}""")]
    [InlineData("""{"order": ["ID", "DESC"]}""")]
    [InlineData("""{"order": "ID"}""")]
    [InlineData("""{"select": {"a": {"b": 1}}}""")]
    [InlineData("""{"select": "ID"}""")]
    [InlineData("""{"select": [null, 1, true, {"x": 1}]}""")]
    [InlineData("""{"filter": {">DATE_CREATE": "not a date", "<OPPORTUNITY": "lots", "ID": null}}""")]
    [InlineData("""{"filter": {">ID": [1, 2], "@ID": 5, "!@ID": {"a": [1]}, "%TITLE": null}}""")]
    [InlineData("""{"filter": {"=%TITLE": "(.*)+[\\", "%=TITLE": "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%", "!%TITLE": "_"}}""")]
    [InlineData("""{"filter": {"": 1, "=": 2, ">": 3, "!": 4, "@": [], "%": "x"}}""")]
    [InlineData("""{"filter": []}""")]
    [InlineData("""{"filter": ""}""")]
    [InlineData("""{"filter": 5}""")]
    public async Task Odd_list_parameters_get_documented_answers(string body)
    {
        var portal = InProcess();

        AssertDocumented(await portal.RawAsync(HttpMethod.Post, "crm.deal.list", body, "application/json"));
    }

    [Fact]
    public async Task A_huge_offset_costs_no_more_than_reading_the_whole_table()
    {
        var options = Small();
        options.LatencyScale = 1;
        var portal = InProcess(options);

        var answer = await portal.PostJsonAsync("crm.deal.list", new { start = 1_000_000_000_000_000_000L, select = new[] { "ID" } });

        // Past the end the legacy builder falls back to the first page; its cost stays that of a first page.
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(50, answer.Result!.AsArray().Count);
        Assert.True((double)answer.Json!["time"]!["processing"]! <= 0.002 + (0.000009 * 120) + (0.0000005 * 120) + 1e-9);
    }

    [Fact]
    public async Task A_like_pattern_made_to_backtrack_is_answered_not_failed()
    {
        var portal = InProcess();
        await portal.PostJsonAsync("crm.deal.update", new { id = await portal.IdAsync("crm.deal", 0), fields = new { TITLE = new string('a', 60) } });
        var pattern = string.Concat(Enumerable.Repeat("%a", 30)) + "%b";

        var answer = await portal.PostJsonAsync("crm.deal.list", new { filter = new Dictionary<string, object> { ["=%TITLE"] = pattern } });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(answer.Result!.AsArray());
    }

    [Theory]
    [InlineData("""{"id": {id}, "fields": {"BEGINDATE": "9999-12-31T23:59:59+00:00", "CLOSEDATE": "0001-01-01T00:00:00+00:00"}}""")]
    [InlineData("""{"id": {id}, "fields": {"BEGINDATE": "9999-12-31", "OPPORTUNITY": 1e400, "PROBABILITY": -1e400}}""")]
    [InlineData("""{"id": {id}, "fields": {"TITLE": {"a": {"b": [1, 2]}}, "COMMENTS": [null, {"x": 1}], "OPENED": true, "CLOSED": false}}""")]
    [InlineData("""{"id": {id}, "fields": {"COMPANY_ID": [1, 2], "CONTACT_IDS": "5", "CATEGORY_ID": {"x": 1}}}""")]
    [InlineData("""{"id": {id}, "fields": "TITLE"}""")]
    [InlineData("""{"id": {id}, "fields": null}""")]
    [InlineData("""{"id": {id}, "fields": []}""")]
    public async Task Odd_deal_updates_get_documented_answers(string body)
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.deal", 0);

        AssertDocumented(await portal.RawAsync(HttpMethod.Post, "crm.deal.update", WithId(body, id), "application/json"));
        AssertDocumented(await portal.PostJsonAsync("crm.deal.get", new { id }));
        AssertDocumented(await portal.PostJsonAsync("crm.deal.list", new { order = new { BEGINDATE = "ASC" }, filter = new Dictionary<string, object> { [">BEGINDATE"] = "2020-01-01" } }));
    }

    [Theory]
    [InlineData("""{"id": {id}, "fields": {"START_TIME": "9999-12-31T23:30:00Z", "END_TIME": "9999-12-31T23:59:59-05:00"}}""")]
    [InlineData("""{"id": {id}, "fields": {"DEADLINE": "0001-01-01T00:00:00+14:00"}}""")]
    public async Task Extreme_date_times_get_documented_answers(string body)
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.activity", 0);

        AssertDocumented(await portal.RawAsync(HttpMethod.Post, "crm.activity.update", WithId(body, id), "application/json"));
        AssertDocumented(await portal.PostJsonAsync("crm.activity.get", new { id }));
    }

    [Fact]
    public async Task Odd_contact_multifields_get_documented_answers()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.contact", 1);

        foreach (var phone in new[] { "\"x\"", "[null]", "[1, 2]", "{\"a\": {\"VALUE\": \"1\"}}", "[{\"ID\": \"nope\", \"VALUE\": \"1\"}]", "[{\"ID\": 5, \"DELETE\": \"Y\"}]", "[{\"VALUE\": [1]}]", "null" })
        {
            AssertDocumented(await portal.RawAsync(HttpMethod.Post, "crm.contact.update", "{\"id\": " + id.ToString(CultureInfo.InvariantCulture) + ", \"fields\": {\"PHONE\": " + phone + "}}", "application/json"));
        }

        AssertDocumented(await portal.PostJsonAsync("crm.contact.get", new { id }));
    }

    [Theory]
    [InlineData("""{"cmd": "crm.deal.get?id=1"}""")]
    [InlineData("""{"cmd": 5}""")]
    [InlineData("""{"cmd": [1, null, true, {"a": "b"}, ["x"]]}""")]
    [InlineData("""{"cmd": {"a": "?", "b": "", "c": "???id=1", "d": "crm.deal.get?id=$result[a][0][1][2]", "e": "$result[", "f": "crm.deal.get?id=$result[d]"}}""")]
    [InlineData("""{"cmd": {"a": "crm.deal.list?filter[>ID]=$next[a]&start=$total[zz]", "b": "crm.deal.get?id=$error[a][error]"}, "halt": "maybe"}""")]
    [InlineData("""{"halt": 1}""")]
    [InlineData("""{"cmd": {"a": "crm.deal.get?id=1"}, "halt": {"x": 1}}""")]
    public async Task Odd_batches_get_documented_answers(string body)
    {
        var portal = InProcess();

        var answer = await portal.RawAsync(HttpMethod.Post, "batch", body, "application/json");

        AssertDocumented(answer);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task Ten_thousand_batch_commands_run_fifty()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");
        var cmd = Enumerable.Range(0, 10_000).Select(i => $"crm.deal.get?id={ids[i % 120]}").ToArray();

        var answer = await portal.BatchAsync(cmd);

        Assert.Equal(50, answer.Result!["result"]!.AsArray().Count);
        Assert.Equal(9_950, answer.Result!["result_error"]!.AsObject().Count);
    }

    [Theory]
    [InlineData("crm.deal.get%00.json?id=1")]
    [InlineData("..%2F..%2Fcrm.deal.get?id=1")]
    [InlineData("crm.deal.get.json.xml?id=1")]
    [InlineData("%E2%98%83?id=1")]
    [InlineData("crm.deal.get?id=%00")]
    public async Task Odd_method_names_get_documented_answers(string path)
    {
        var portal = InProcess();

        AssertDocumented(await portal.GetAsync(path));
    }

    [Fact]
    public async Task A_very_long_method_name_is_not_found()
    {
        var portal = InProcess();

        var answer = await portal.GetAsync(new string('m', 8000));

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
    }

    private static string WithId(string body, long id) => body.Replace("{id}", id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Documented: a JSON envelope with either result or error, and a status the protocol lists (never 500).</summary>
    private static void AssertDocumented(Answer answer)
    {
        Assert.True(answer.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"status {(int)answer.Status}: {answer.Text[..Math.Min(300, answer.Text.Length)]}");
        Assert.Equal("application/json", answer.MediaType);
        var json = answer.Json!.AsObject();
        Assert.True(json.ContainsKey("result") || json.ContainsKey("error"), answer.Text[..Math.Min(300, answer.Text.Length)]);
    }

    [Fact]
    public async Task Garbled_requests_leave_the_internal_failure_count_at_zero()
    {
        var portal = InProcess();
        foreach (var body in new[] { "{", "[[[[", "\0\0\0", "cmd[=1", "%%%" })
        {
            await portal.RawAsync(HttpMethod.Post, "batch", Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded");
        }

        var stats = await portal.Emulator.GetStatsAsync();

        Assert.Equal(0, stats.InternalFailures);
        Assert.Null(stats.LastInternalFailure);
        Assert.False(stats.AnswersByStatus.ContainsKey(500));
        Assert.IsType<JsonObject>((await portal.GetAsync($"crm.deal.get?id={await portal.IdAsync("crm.deal", 0)}")).Result);
    }
}
