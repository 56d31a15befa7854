namespace Bitrix.Runtime.Tests;

/// <summary>
/// Two loopback servers: the portal (the emulator, answering every call with a 302 that echoes the
/// path, code included, onto another host) and a stranger that records every request it gets.
/// The credentials never reach the stranger — not from a webhook client nor an OAuth one, not
/// through plain calls, raw calls, batches, lists, bulk calls, lookups by ID or automatic batches.
/// </summary>
public sealed class RedirectSecurityTests
{
    private const string Code = "Zq81hTbW0xLmP3cV";

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "webhook", "oauth" })
        {
            foreach (var scenario in Scenarios.Keys)
            {
                data.Add(kind, scenario);
            }
        }

        return data;
    }

    /// <summary>Each way of calling; each returns the errors it ended with (a bulk call's are per item).</summary>
    private static readonly Dictionary<string, Func<BitrixClient, Task<IReadOnlyList<BitrixError>>>> Scenarios = new()
    {
        ["call"] = async c => [await Refusal(() => c.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }))],
        ["raw write"] = async c => [await Refusal(() => c.CallRawAsync("crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "x" } }))],
        ["batch"] = async c => [await Refusal(() => c.BatchAsync(new BitrixBatch().Add("a", "crm.deal.get", new JsonObject { ["id"] = 1 }).Add("b", "crm.deal.list", null)))],
        ["list"] = async c => [await Refusal(async () => await c.ListAllAsync("crm.deal.list").ToListAsync())],
        ["offset list"] = async c => [await Refusal(async () => await c.ListAllAsync("crm.deal.list", new JsonObject { ["order"] = new JsonObject { ["TITLE"] = "ASC" } }, new ListOptions { Strategy = ListStrategy.Offset }).ToListAsync())],
        ["bulk"] = async c => (await c.CallManyAsync("crm.deal.add", Enumerable.Range(0, 120).Select(i => (JsonObject?)new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"d{i}" } }))).Select(r => r.Error!).ToList(),
        ["bulk with nulls"] = async c => (await c.CallManyAsync("crm.deal.update", Enumerable.Range(1, 3).Select(i => (JsonObject?)new JsonObject { ["id"] = i, ["fields"] = new JsonObject { ["COMMENTS"] = null } }))).Select(r => r.Error!).ToList(),
        ["get by id"] = async c => (await c.GetByIdAsync("crm.deal.get", [1, 2, 3])).Select(p => p.Value.Error!).ToList(),
    };

    private static async Task<BitrixError> Refusal(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<BitrixException>(call);
        return new BitrixError(e.ErrorCode, e.Message);
    }

    private static EmulatorOptions PortalMovedTo(Uri stranger)
    {
        var options = TestPortal.Options(20);
        options.Webhook = "1/" + Code;
        options.MovedTo = stranger;
        return options;
    }

    private static async Task<BitrixClient> ClientAsync(string kind, BitrixEmulator portal, Action<BitrixClientOptions>? configure = null)
    {
        var options = Fast.Options(configure);
        if (kind == "webhook")
        {
            return BitrixClient.FromWebhook(portal.WebhookUrl.ToString(), options);
        }

        var tokens = await portal.IssueOAuthTokensAsync();
        return BitrixClient.FromOAuth(new BitrixOAuthOptions
        {
            PortalUrl = portal.BaseAddress,
            TokenEndpoint = new Uri(portal.BaseAddress, "/oauth/token/"),
            ClientId = portal.Options.OAuthClientId,
            ClientSecret = portal.Options.OAuthClientSecret,
            AccessToken = tokens.AccessToken,
            RefreshToken = tokens.RefreshToken,
        }, options);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_move_to_a_host_that_is_no_portal_never_carries_the_credentials_there(string kind, string scenario)
    {
        await using var stranger = new StrangerServer();
        await using var portal = await BitrixEmulator.StartAsync(PortalMovedTo(stranger.BaseAddress));
        await using var client = await ClientAsync(kind, portal);

        var errors = await Scenarios[scenario](client);

        Assert.Empty(stranger.Requests);
        Assert.NotEmpty(errors);
        Assert.All(errors, e =>
        {
            Assert.Equal(BitrixErrorCodes.RedirectRefused, e.Code);
            Assert.Contains(stranger.BaseAddress.Authority, e.Description, StringComparison.Ordinal);
            Assert.DoesNotContain(Code, e.Description, StringComparison.Ordinal);
        });
        Assert.Equal(portal.BaseAddress, client.PortalUrl);
        Assert.True((await portal.GetStatsAsync()).AnswersByStatus[302] >= 1);
    }

    [Theory]
    [InlineData("webhook")]
    [InlineData("oauth")]
    public async Task Allowed_explicitly_the_move_is_followed_and_the_stranger_sees_the_credentials(string kind)
    {
        // The control of the test above: the recorder does see what a followed move carries.
        await using var stranger = new StrangerServer();
        await using var portal = await BitrixEmulator.StartAsync(PortalMovedTo(stranger.BaseAddress));
        var logs = new CapturingLoggerFactory();
        await using var client = await ClientAsync(kind, portal, o =>
        {
            o.AllowPortalMoveTo.Add(stranger.BaseAddress.Authority);
            o.LoggerFactory = logs;
        });

        var deals = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 })));

        Assert.All(deals, d => Assert.True(d.GetProperty("stranger").GetBoolean()));
        Assert.Equal(stranger.BaseAddress, client.PortalUrl);
        Assert.Equal(8, stranger.Requests.Count);
        if (kind == "webhook")
        {
            Assert.All(stranger.Requests, r => Assert.StartsWith($"POST /rest/1/{Code}/crm.deal.get.json HTTP/1.1", r, StringComparison.Ordinal));
        }
        else
        {
            Assert.All(stranger.Requests, r => Assert.Contains("\"auth\":\"", r, StringComparison.Ordinal));
        }

        Assert.Single(logs.Lines, l => l.Contains("moved to", StringComparison.Ordinal) && l.Contains(stranger.BaseAddress.Authority, StringComparison.Ordinal) && l.Contains("Warning", StringComparison.Ordinal));
        Assert.DoesNotContain(Code, logs.AllText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("renamed.bitrix24.de", true)]
    [InlineData("b24-x1y2z3.bitrix24.com.br", true)]
    [InlineData("my.bitrix24.ru", true)]
    [InlineData("bitrix24.de", false)]
    [InlineData("bitrix24.de.example.com", false)]
    [InlineData("evilbitrix24.de", false)]
    [InlineData("portal.example.org", false)]
    public async Task A_move_to_a_cloud_portal_is_followed_and_to_other_hosts_refused(string host, bool follows)
    {
        var oldPortal = new Uri("https://crm.example.com/");
        var newPortal = new Uri($"https://{host}/");
        await using var old = new BitrixEmulator(Moved(newPortal));
        await using var renamed = new BitrixEmulator(Moved(null));
        var recorder = new RecordingHandler(new HostRouter().Route(oldPortal.Host, old.CreateHandler()).Route(newPortal.Host, renamed.CreateHandler()));
        using var http = new HttpClient(recorder);
        await using var client = new BitrixClient(http, $"{oldPortal}rest/1/{Code}/", Fast.Options());

        if (follows)
        {
            var second = (await renamed.GetIdsAsync("crm.deal"))[1];
            var deal = await client.CallAsync("crm.deal.get", new JsonObject { ["id"] = second });
            Assert.Equal(second.ToString(System.Globalization.CultureInfo.InvariantCulture), deal.GetProperty("ID").GetString());
            Assert.Equal(newPortal, client.PortalUrl);
            Assert.Equal([oldPortal.Host, newPortal.Host], recorder.Requests.Select(r => r.Uri.Host));
        }
        else
        {
            var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 2 }));
            Assert.Equal(BitrixErrorCodes.RedirectRefused, e.ErrorCode);
            Assert.Contains(host, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Code, e.ToString(), StringComparison.Ordinal);
            Assert.Equal([oldPortal.Host], recorder.Requests.Select(r => r.Uri.Host));
        }

        static EmulatorOptions Moved(Uri? to)
        {
            var options = TestPortal.Options(5);
            options.Webhook = "1/" + Code;
            options.MovedTo = to;
            return options;
        }
    }

    [Fact]
    public async Task The_cloud_domains_are_configurable()
    {
        using var http = new HttpClient(new StubHandler(_ =>
        {
            var moved = new HttpResponseMessage(HttpStatusCode.Found);
            moved.Headers.Location = new Uri("https://renamed.bitrix24.de/rest/1/code/crm.deal.get.json");
            return moved;
        }));
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", Fast.Options(o => o.CloudPortalDomains.Clear()));

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }));

        Assert.Equal(BitrixErrorCodes.RedirectRefused, e.ErrorCode);
        Assert.Contains("https://renamed.bitrix24.de/", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://portal.example/rest/1/code/crm.deal.get.json")]
    [InlineData("http://renamed.bitrix24.de/rest/1/code/crm.deal.get.json")]
    public async Task A_redirect_from_https_to_http_is_refused(string location)
    {
        var stub = new StubHandler(_ =>
        {
            var moved = new HttpResponseMessage(HttpStatusCode.MovedPermanently);
            moved.Headers.Location = new Uri(location);
            return moved;
        });
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", Fast.Options());

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }));

        Assert.Equal(BitrixErrorCodes.RedirectRefused, e.ErrorCode);
        Assert.Contains("https to plain http", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, stub.Calls);
        Assert.Equal(new Uri("https://portal.example/"), client.PortalUrl);
    }

    [Fact]
    public async Task An_upgrade_from_http_to_https_on_the_same_host_is_followed()
    {
        var stub = new StubHandler(request => request.RequestUri!.Scheme == "http"
            ? new HttpResponseMessage(HttpStatusCode.MovedPermanently) { Headers = { Location = new Uri("https://portal.example/rest/1/code/crm.deal.get.json") } }
            : StubHandler.Answer(HttpStatusCode.OK, """{"result":{"ID":"1"}}"""));
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, "http://portal.example/rest/1/code/", Fast.Options());

        var deal = await client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 });

        Assert.Equal("1", deal.GetProperty("ID").GetString());
        Assert.Equal(new Uri("https://portal.example/"), client.PortalUrl);
        Assert.Equal(2, stub.Calls);
    }

    [Fact]
    public async Task A_redirect_loop_on_the_portals_own_address_ends_with_a_typed_error_over_loopback()
    {
        StrangerServer? self = null;
        await using var server = self = new StrangerServer(_ => StrangerServer.Redirect(302, $"{self!.BaseAddress}rest/1/{Code}/crm.deal.get.json"));
        await using var client = BitrixClient.FromWebhook($"{server.BaseAddress}rest/1/{Code}/", Fast.Options(o => o.MaxRedirects = 4));

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }));

        Assert.Equal(BitrixErrorCodes.RedirectRefused, e.ErrorCode);
        Assert.Contains("Too many redirects", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Code, e.ToString(), StringComparison.Ordinal);
        Assert.Equal(5, server.Requests.Count);
    }

    [Fact]
    public async Task A_callers_auto_redirecting_http_client_that_reached_a_stranger_stops_there()
    {
        // HttpClient's own redirect (a GET without the body, to whatever Location says) went before
        // the client could look — which is why an HttpClient passed in should not follow redirects
        // itself — but the client does not send the call there again.
        await using var stranger = new StrangerServer();
        await using var portal = await BitrixEmulator.StartAsync(PortalMovedTo(stranger.BaseAddress));
        using var http = new HttpClient();
        await using var client = new BitrixClient(http, portal.WebhookUrl.ToString(), Fast.Options());

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "x" } }));

        Assert.Equal(BitrixErrorCodes.RedirectRefused, e.ErrorCode);
        var reached = Assert.Single(stranger.Requests);
        Assert.StartsWith("GET ", reached, StringComparison.Ordinal);
        Assert.DoesNotContain("TITLE", reached, StringComparison.Ordinal);
    }
}
