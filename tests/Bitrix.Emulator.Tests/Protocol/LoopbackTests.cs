using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Emulator.Tests.Protocol;

/// <summary>The same behaviour over real sockets: Kestrel on a loopback port serves what the in-memory handler serves.</summary>
public sealed class LoopbackTests : PortalTestBase
{
    [Fact]
    public async Task A_list_page_over_sockets_has_fifty_rows_next_and_total()
    {
        var portal = await OverLoopbackAsync();

        var answer = await portal.GetAsync("CRM.DEAL.LIST.json/?select[]=ID&select[]=TITLE");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("application/json", answer.MediaType);
        Assert.Equal(50, answer.Result!.AsArray().Count);
        Assert.Equal(50, (long)answer.Json!["next"]!);
        Assert.Equal(120, (long)answer.Json!["total"]!);
        Assert.True(portal.Webhook.IsLoopback);
    }

    [Fact]
    public async Task Over_sockets_and_in_memory_the_answers_are_the_same()
    {
        var loopback = await OverLoopbackAsync();
        var inMemory = InProcess();
        var lead = await inMemory.IdAsync("crm.lead", 2);
        Assert.Equal(lead, await loopback.IdAsync("crm.lead", 2));
        var requests = new Func<PortalClient, Task<Answer>>[]
        {
            p => p.GetAsync("crm.deal.list?filter%5B%3EOPPORTUNITY%5D=20000&order[TITLE]=DESC&select[]=ID&select[]=TITLE&start=1"),
            p => p.PostFormAsync("crm.contact.list", "filter[%25NAME]=an&select[]=ID&select[]=NAME&select[]=PHONE"),
            p => p.PostJsonAsync("crm.lead.get", new { id = lead }),
            p => p.PostJsonAsync("crm.company.fields", null),
            p => p.BatchAsync(new Dictionary<string, string> { ["a"] = "crm.deal.list?select[]=ID", ["b"] = "crm.deal.get?id=$result[a][49][ID]" }),
            p => p.GetAsync("crm.deal.get?id=999999"),
            p => p.GetAsync("crm.nothing"),
            p => p.GetAsync("crm.deal.get.xml?id=1"),
        };

        foreach (var request in requests)
        {
            var viaSockets = await request(loopback);
            var viaMemory = await request(inMemory);

            Assert.Equal(viaMemory.Status, viaSockets.Status);
            Assert.Equal(viaMemory.MediaType, viaSockets.MediaType);
            Assert.Equal(Strip(viaMemory.Json), Strip(viaSockets.Json));
        }
    }

    [Fact]
    public async Task Multipart_and_form_bodies_with_php_keys_work_over_sockets()
    {
        var portal = await OverLoopbackAsync();
        using var multipart = new MultipartFormDataContent
        {
            { new StringContent("Olga"), "fields[NAME]" },
            { new StringContent("+7 900 000-00-07"), "fields[PHONE][0][VALUE]" },
            { new StringContent("WORK"), "fields[PHONE][0][VALUE_TYPE]" },
        };

        var viaMultipart = (long)(await portal.SendAsync(HttpMethod.Post, new Uri(portal.Webhook, "crm.contact.add"), multipart)).Result!;
        var viaForm = (long)(await portal.PostFormAsync("crm.contact.add", "fields[NAME]=Ivan&fields[PHONE][0][VALUE]=%2B7%20900%20000-00-08")).Result!;

        Assert.Equal("+7 900 000-00-07", (string)(await portal.PostJsonAsync("crm.contact.get", new { id = viaMultipart })).Result!["PHONE"]![0]!["VALUE"]!);
        Assert.Equal("+7 900 000-00-08", (string)(await portal.PostJsonAsync("crm.contact.get", new { id = viaForm })).Result!["PHONE"]![0]!["VALUE"]!);
    }

    [Fact]
    public async Task Routing_and_credential_errors_are_the_same_over_sockets()
    {
        var portal = await OverLoopbackAsync();

        var id = await portal.IdAsync("crm.deal", 0);

        var wrong = await portal.RawAsync(HttpMethod.Get, $"/rest/1/wrong/crm.deal.get?id={id}");
        var noAuth = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={id}");
        var html = await portal.RawAsync(HttpMethod.Get, "/index.php");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("INVALID_CREDENTIALS", wrong.Error);
        Assert.Equal("NO_AUTH_FOUND", noAuth.Error);
        Assert.Equal(HttpStatusCode.NotFound, html.Status);
        Assert.Equal("text/html", html.MediaType);
    }

    [Fact]
    public async Task A_bearer_token_and_a_refresh_work_over_sockets()
    {
        var portal = await OverLoopbackAsync();
        var tokens = await portal.Emulator.IssueOAuthTokensAsync();
        var id = await portal.IdAsync("crm.deal", 3);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portal.Emulator.BaseAddress, $"/rest/crm.deal.get?id={id}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);

        var call = await portal.SendAsync(request);
        var refresh = await portal.RawAsync(HttpMethod.Post, "/oauth/token/", $"grant_type=refresh_token&client_id={portal.Emulator.Options.OAuthClientId}&client_secret={portal.Emulator.Options.OAuthClientSecret}&refresh_token={tokens.RefreshToken}", "application/x-www-form-urlencoded");

        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), (string)call.Result!["ID"]!);
        Assert.Equal(HttpStatusCode.OK, refresh.Status);
        Assert.Equal(portal.Emulator.BaseAddress.Authority, (string)refresh.Json!["domain"]!);
    }

    [Fact]
    public async Task The_leaky_bucket_refuses_over_sockets_as_in_memory()
    {
        var clock = new FakeTimeProvider();
        var options = Small();
        options.TimeProvider = clock;
        var portal = await OverLoopbackAsync(options);
        var get = $"crm.deal.get?id={await portal.IdAsync("crm.deal", 0)}";

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await portal.GetAsync(get)).Status);
        }

        var refused = await portal.GetAsync(get);
        clock.Advance(TimeSpan.FromSeconds(0.5));
        var accepted = await portal.GetAsync(get);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal("QUERY_LIMIT_EXCEEDED", refused.Error);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
    }

    [Fact]
    public async Task Bad_requests_over_sockets_get_documented_answers_and_no_internal_failure()
    {
        var options = Small();
        options.BucketCapacity = 10_000;
        var portal = await OverLoopbackAsync(options);
        var random = new Random(99);
        var garbage = new byte[64 * 1024];
        random.NextBytes(garbage);
        var longBoundary = new string('q', 5000);
        var ids = await portal.IdsAsync("crm.deal");
        var tenMegabytes = Encoding.UTF8.GetBytes("{\"fields\": {\"TITLE\": \"big\", \"COMMENTS\": \"" + new string('z', 10 * 1024 * 1024) + "\"}}");

        var answers = new List<Answer>
        {
            await portal.RawAsync(HttpMethod.Post, "crm.deal.list", garbage, "application/json"),
            await portal.RawAsync(HttpMethod.Post, "crm.deal.list", garbage, "application/x-www-form-urlencoded"),
            await portal.RawAsync(HttpMethod.Post, "crm.deal.list", garbage, "multipart/form-data; boundary=zz"),
            await portal.RawAsync(HttpMethod.Post, "crm.deal.get", "--" + longBoundary + "\r\n", "multipart/form-data; boundary=" + longBoundary),
            await portal.RawAsync(HttpMethod.Post, "crm.deal.get", $$"""{"id": {{ids[0]}}, "id": {{ids[1]}}}""", "application/json"),
            await portal.PostFormAsync("crm.deal.list", "a[b=1&[]=x&filter" + string.Concat(Enumerable.Repeat("[x]", 200)) + "=1"),
            await portal.PostFormAsync("crm.deal.list", string.Join("&", Enumerable.Range(0, 10_000).Select(i => $"filter[K{i}]={i}"))),
            await portal.RawAsync(HttpMethod.Post, "crm.deal.add", tenMegabytes, "application/json"),
            await portal.RawAsync(HttpMethod.Post, "batch", """{"cmd": {"a": "crm.deal.list?filter[=%TITLE]=%a%a%a%a%a%a%a%a%a%a%a%a%a%b", "b": "batch?cmd[x]=y", "c": "$result[a][99][ID]"}}""", "application/json"),
        };

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{(int)a.Status}: {a.Text[..Math.Min(200, a.Text.Length)]}"));
        Assert.All(answers, a => Assert.Equal("application/json", a.MediaType));
        Assert.Equal(ids[1].ToString(CultureInfo.InvariantCulture), (string)answers[4].Result!["ID"]!);
        Assert.Equal(0, (await portal.Emulator.GetStatsAsync()).InternalFailures);
    }

    [Fact]
    public async Task Parallel_clients_over_sockets_all_get_their_answers()
    {
        var options = Small();
        options.BucketCapacity = 1000;
        var portal = await OverLoopbackAsync(options);
        var ids = await portal.IdsAsync("crm.deal");

        var answers = await Task.WhenAll(Enumerable.Range(1, 40).Select(i => i % 2 == 0
            ? portal.GetAsync($"crm.deal.get?id={ids[i - 1]}")
            : portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = $"parallel {i}" } })));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var added = answers.Where(a => a.Result is JsonValue).Select(a => (long)a.Result!).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => ids[^1] + i), added);
    }

    [Fact]
    public async Task Control_endpoints_answer_over_sockets()
    {
        var portal = await OverLoopbackAsync();
        await portal.PostJsonAsync("crm.deal.delete", new { id = await portal.IdAsync("crm.deal", 2) });

        var ids = (await portal.RawAsync(HttpMethod.Get, "/_emulator/ids?entity=crm.deal")).Json!;
        var stats = (await portal.RawAsync(HttpMethod.Get, "/_emulator/stats")).Json!;
        var reset = await portal.RawAsync(HttpMethod.Post, "/_emulator/reset", []);

        Assert.Equal(119, (int)ids["count"]!);
        Assert.Equal(1, (long)stats["requests"]!);
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        Assert.Equal(120, (await portal.Emulator.GetIdsAsync("crm.deal")).Count);
    }

    /// <summary>The answer without <c>time</c> members, which differ from call to call.</summary>
    private static string? Strip(JsonNode? json)
    {
        if (json is not JsonObject obj)
        {
            return json?.ToJsonString();
        }

        var copy = obj.DeepClone().AsObject();
        copy.Remove("time");
        if (copy["result"] is JsonObject result && result.ContainsKey("result_time"))
        {
            result.Remove("result_time");
        }

        return copy.ToJsonString();
    }
}
