using Bitrix.Runtime.Tests.Throttling;

namespace Bitrix.Runtime.Tests;

/// <summary>
/// A portal that moved answers 302: the client follows with the same method and body, then stays
/// at the new address. The moves here go to hosts that are not cloud portals, so each test allows
/// its new host (<see cref="BitrixClientOptions.AllowPortalMoveTo"/>); RedirectSecurityTests has the refusals.
/// </summary>
public sealed class MoveTests
{
    private static readonly Uri OldPortal = new("http://old.portal/");
    private static readonly Uri NewPortal = new("http://new.portal/");

    private static EmulatorOptions Options(int deals, Uri? movedTo)
    {
        var options = TestPortal.Options(deals);
        options.MovedTo = movedTo;
        return options;
    }

    [Fact]
    public async Task The_post_and_its_filter_reach_the_new_portal_intact_and_later_calls_go_there_directly()
    {
        await using var oldPortal = new BitrixEmulator(Options(50, NewPortal));
        await using var newPortal = new BitrixEmulator(Options(100, null));
        var recorder = new RecordingHandler(new HostRouter().Route(OldPortal.Host, oldPortal.CreateHandler()).Route(NewPortal.Host, newPortal.CreateHandler()));
        using var http = new HttpClient(recorder);
        await using var client = new BitrixClient(http, new Uri(OldPortal, newPortal.WebhookUrl.AbsolutePath).ToString(), Fast.Options(o => o.AllowPortalMoveTo.Add(NewPortal.Host)));
        var ids = await newPortal.GetIdsAsync("crm.deal");
        // Rows only the new portal has: the old one would answer none.
        Assert.True((await oldPortal.GetIdsAsync("crm.deal"))[^1] < ids[94]);
        var parameters = new JsonObject { ["filter"] = new JsonObject { [">=ID"] = ids[94] }, ["select"] = new JsonArray("ID"), ["order"] = new JsonObject { ["ID"] = "ASC" } };

        var rows = await client.CallRawAsync("crm.deal.list", parameters);

        Assert.Equal(ids.Skip(94).Select(Text), rows.Result.EnumerateArray().Select(r => r.GetProperty("ID").GetString()));
        Assert.Equal(6, rows.Total);
        Assert.Equal(NewPortal, client.PortalUrl);
        var sent = recorder.Requests;
        Assert.Equal(2, sent.Count);
        Assert.Equal([OldPortal.Host, NewPortal.Host], sent.Select(r => r.Uri.Host));
        Assert.All(sent, r => Assert.Equal(HttpMethod.Post, r.Method));
        Assert.Equal(sent[0].Uri.AbsolutePath, sent[1].Uri.AbsolutePath);
        Assert.Equal(parameters.ToJsonString(), sent[1].BodyText);
        Assert.Equal(sent[0].BodyText, sent[1].BodyText);

        var added = await client.CallAsync("crm.deal.add", new { fields = new { TITLE = "After the move" } });
        var batch = await client.BatchAsync(new BitrixBatch().Add("d", "crm.deal.get", new { id = added.GetInt64() }));

        Assert.Equal("After the move", batch["d"].Result!.Value.GetProperty("TITLE").GetString());
        Assert.Equal([OldPortal.Host, NewPortal.Host, NewPortal.Host, NewPortal.Host], recorder.Requests.Select(r => r.Uri.Host));
        var oldStats = await oldPortal.GetStatsAsync();
        var newStats = await newPortal.GetStatsAsync();
        Assert.Equal(1, oldStats.Requests);
        Assert.Equal(1, oldStats.AnswersByStatus[302]);
        Assert.Equal(50, oldStats.EntityCounts["crm.deal"]);
        Assert.Equal(3, newStats.Requests);
        Assert.Equal(101, newStats.EntityCounts["crm.deal"]);
        Assert.Equal(0, oldStats.InternalFailures + newStats.InternalFailures);
    }

    [Fact]
    public async Task After_a_move_the_limits_are_kept_under_the_new_host_and_shared_with_its_other_clients()
    {
        await using var oldPortal = new BitrixEmulator(Options(10, NewPortal));
        await using var newPortal = new BitrixEmulator(Options(10, null));
        using var http = new HttpClient(new HostRouter().Route(OldPortal.Host, oldPortal.CreateHandler()).Route(NewPortal.Host, newPortal.CreateHandler()));
        var store = new RecordingRateLimitStore();

        // A bucket that hardly drains, so that its level counts the requests reserved in it.
        var plan = new RateLimitPlan(1000, 0.001);
        var options = Fast.Options(o =>
        {
            o.RateLimit = plan;
            o.RateLimitStore = store;
            o.AllowPortalMoveTo.Add(NewPortal.Host);
        });
        await using var moved = new BitrixClient(http, new Uri(OldPortal, newPortal.WebhookUrl.AbsolutePath).ToString(), options);
        await using var direct = new BitrixClient(http, new Uri(NewPortal, newPortal.WebhookUrl.AbsolutePath).ToString(), options);
        var id = (await newPortal.GetIdsAsync("crm.deal"))[0];

        for (var i = 0; i < 5; i++)
        {
            await moved.CallAsync("crm.deal.get", new { id });
        }

        for (var i = 0; i < 3; i++)
        {
            await direct.CallAsync("crm.deal.get", new { id });
        }

        // Only the first call, sent before the move was known, counted against the old host.
        string[] afterTheFirst = [.. Enumerable.Repeat(NewPortal.Authority, 7)];
        Assert.Equal([OldPortal.Authority, .. afterTheFirst], store.PortalsOf("reserve"));
        Assert.Equal([OldPortal.Authority, .. afterTheFirst], store.PortalsOf("get"));
        var reports = store.PortalsOf("report").ToList();
        Assert.Equal(8, reports.Count);
        Assert.All(reports, p => Assert.Equal(NewPortal.Authority, p));
        Assert.InRange(store.Inner.GetLevel(NewPortal.Authority, plan), 6.9, 7);
        Assert.InRange(store.Inner.GetLevel(OldPortal.Authority, plan), 0.9, 1);
        Assert.Equal(1, (await oldPortal.GetStatsAsync()).Requests);
        Assert.Equal(8, (await newPortal.GetStatsAsync()).Requests);
    }

    [Fact]
    public async Task A_write_is_sent_again_after_a_move_and_runs_once_on_the_new_portal()
    {
        await using var oldPortal = new BitrixEmulator(Options(10, NewPortal));
        await using var newPortal = new BitrixEmulator(Options(10, null));
        using var http = new HttpClient(new HostRouter().Route(OldPortal.Host, oldPortal.CreateHandler()).Route(NewPortal.Host, newPortal.CreateHandler()));
        await using var client = new BitrixClient(http, new Uri(OldPortal, newPortal.WebhookUrl.AbsolutePath).ToString(), Fast.Options(o => o.AllowPortalMoveTo.Add(NewPortal.Host)));

        var results = await client.CallManyAsync("crm.deal.add", Enumerable.Range(0, 70).Select(i => (object?)new { fields = new { TITLE = $"Moved {i}" } }));

        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.Equal(80, (await newPortal.GetStatsAsync()).EntityCounts["crm.deal"]);
        Assert.Equal(10, (await oldPortal.GetStatsAsync()).EntityCounts["crm.deal"]);
    }

    [Fact]
    public async Task An_oauth_call_follows_a_move_with_its_token()
    {
        await using var oldPortal = new BitrixEmulator(Options(10, NewPortal));
        await using var newPortal = new BitrixEmulator(Options(10, null));
        var tokens = await newPortal.IssueOAuthTokensAsync();
        using var http = new HttpClient(new HostRouter().Route(OldPortal.Host, oldPortal.CreateHandler()).Route(NewPortal.Host, newPortal.CreateHandler()));
        await using var client = BitrixClient.FromOAuth(new BitrixOAuthOptions
        {
            PortalUrl = OldPortal,
            TokenEndpoint = new Uri(NewPortal, "/oauth/token/"),
            ClientId = newPortal.Options.OAuthClientId,
            ClientSecret = newPortal.Options.OAuthClientSecret,
            AccessToken = tokens.AccessToken,
            RefreshToken = tokens.RefreshToken,
        }, http, Fast.Options(o => o.AllowPortalMoveTo.Add(NewPortal.Host)));

        var id = (await newPortal.GetIdsAsync("crm.deal"))[1];

        var deal = await client.CallAsync("crm.deal.get", new { id });

        Assert.Equal(Text(id), deal.GetProperty("ID").GetString());
        Assert.Equal(NewPortal, client.PortalUrl);
    }

    [Fact]
    public async Task A_redirect_loop_ends_with_an_error()
    {
        await using var a = new BitrixEmulator(Options(10, NewPortal));
        await using var b = new BitrixEmulator(Options(10, OldPortal));
        using var http = new HttpClient(new HostRouter().Route(OldPortal.Host, a.CreateHandler()).Route(NewPortal.Host, b.CreateHandler()));
        await using var client = new BitrixClient(http, new Uri(OldPortal, a.WebhookUrl.AbsolutePath).ToString(), Fast.Options(o =>
        {
            o.MaxRedirects = 3;
            o.AllowPortalMoveTo.Add(NewPortal.Host);
            o.AllowPortalMoveTo.Add(OldPortal.Host);
        }));

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.RedirectRefused, e.ErrorCode);
        Assert.Contains("redirect", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(4, (await a.GetStatsAsync()).Requests + (await b.GetStatsAsync()).Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.MovedPermanently)]
    [InlineData(HttpStatusCode.Found)]
    [InlineData(HttpStatusCode.TemporaryRedirect)]
    [InlineData(HttpStatusCode.PermanentRedirect)]
    public async Task Every_redirect_status_is_followed_with_the_same_verb_and_body(HttpStatusCode status)
    {
        var requests = new List<(HttpMethod Method, Uri Uri, string Body)>();
        using var http = new HttpClient(new StubHandler(request =>
        {
            requests.Add((request.Method, request.RequestUri!, request.Content!.ReadAsStringAsync().GetAwaiter().GetResult()));
            if (requests.Count == 1)
            {
                var moved = new HttpResponseMessage(status);
                moved.Headers.Location = new Uri("/rest/1/code/crm.deal.get.json", UriKind.Relative);
                return moved;
            }

            return StubHandler.Answer(HttpStatusCode.OK, """{"result":{"ID":"1"},"time":{"start":1}}""");
        }));
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", Fast.Options());

        var deal = await client.CallAsync("crm.deal.get", new { id = 1 });

        Assert.Equal("1", deal.GetProperty("ID").GetString());
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(HttpMethod.Post, r.Method));
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(requests[0].Uri, requests[1].Uri);
    }

    [Fact]
    public async Task A_callers_http_client_that_follows_redirects_itself_does_not_lose_the_body()
    {
        // HttpClient's default handler follows a 302 as a GET without the body: the new portal
        // would answer an unfiltered page. The client notices and sends the call again.
        await using var newPortal = await BitrixEmulator.StartAsync(Options(100, null));
        await using var oldPortal = await BitrixEmulator.StartAsync(Options(50, newPortal.BaseAddress));
        using var http = new HttpClient();
        await using var client = new BitrixClient(http, oldPortal.WebhookUrl.ToString(), Fast.Options(o => o.AllowPortalMoveTo.Add(newPortal.BaseAddress.Authority)));
        var ids = await newPortal.GetIdsAsync("crm.deal");
        Assert.True((await oldPortal.GetIdsAsync("crm.deal"))[^1] < ids[97]);

        var rows = await client.CallAsync("crm.deal.list", new { filter = new Dictionary<string, object> { [">ID"] = ids[96] }, select = new[] { "ID" } });
        var added = await client.CallAsync("crm.deal.add", new { fields = new { TITLE = "Once" } });

        Assert.Equal(ids.Skip(97).Select(Text), rows.EnumerateArray().Select(r => r.GetProperty("ID").GetString()));
        Assert.Equal(ids[^1] + 1, added.GetInt64());
        Assert.Equal(newPortal.BaseAddress, client.PortalUrl);
        Assert.Equal(1, (await oldPortal.GetStatsAsync()).Requests);
        var stats = await newPortal.GetStatsAsync();
        Assert.Equal(3, stats.Requests); // the body-less GET, the call sent again, then the add directly
        Assert.Equal(101, stats.EntityCounts["crm.deal"]);
    }

    [Fact]
    public async Task Over_loopback_a_client_owning_its_handler_follows_the_move()
    {
        await using var newPortal = await BitrixEmulator.StartAsync(Options(100, null));
        await using var oldPortal = await BitrixEmulator.StartAsync(Options(50, newPortal.BaseAddress));
        await using var client = BitrixClient.FromWebhook(oldPortal.WebhookUrl.ToString(), Fast.Options(o => o.AllowPortalMoveTo.Add(newPortal.BaseAddress.Authority)));
        var ids = await newPortal.GetIdsAsync("crm.deal");
        Assert.True((await oldPortal.GetIdsAsync("crm.deal"))[^1] < ids[97]);

        var rows = await client.CallAsync("crm.deal.list", new { filter = new Dictionary<string, object> { [">ID"] = ids[96] }, select = new[] { "ID" } });
        var deal = await client.CallAsync("crm.deal.get", new { id = ids[^1] });

        Assert.Equal(ids.Skip(97).Select(Text), rows.EnumerateArray().Select(r => r.GetProperty("ID").GetString()));
        Assert.Equal(Text(ids[^1]), deal.GetProperty("ID").GetString());
        Assert.Equal(newPortal.BaseAddress, client.PortalUrl);
        Assert.Equal(1, (await oldPortal.GetStatsAsync()).Requests);
        Assert.Equal(2, (await newPortal.GetStatsAsync()).Requests);
    }

    private static string Text(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
