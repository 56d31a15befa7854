using System.Collections.Concurrent;

namespace Bitrix.Runtime.Tests;

/// <summary>An OAuth application: token in the body, one single-flight renewal on expiry, the renewed pair handed over.</summary>
public sealed class OAuthTests
{
    private sealed class OAuthPortal : IAsyncDisposable
    {
        private OAuthPortal(BitrixEmulator emulator, RecordingHandler recorder, HttpClient http, BitrixClient client, BitrixOAuthOptions oauth)
        {
            Emulator = emulator;
            Recorder = recorder;
            Http = http;
            Client = client;
            OAuth = oauth;
        }

        public BitrixEmulator Emulator { get; }

        public RecordingHandler Recorder { get; }

        public HttpClient Http { get; }

        public BitrixClient Client { get; }

        public BitrixOAuthOptions OAuth { get; }

        public ConcurrentQueue<BitrixTokens> Renewed { get; } = new();

        public static async Task<OAuthPortal> CreateAsync(EmulatorOptions? emulatorOptions = null, BitrixClientOptions? clientOptions = null, Action<BitrixOAuthOptions>? configure = null)
        {
            var emulator = new BitrixEmulator(emulatorOptions ?? TestPortal.Options());
            var tokens = await emulator.IssueOAuthTokensAsync();
            var recorder = new RecordingHandler(emulator.CreateHandler());
            var http = new HttpClient(recorder, disposeHandler: true);
            var oauth = new BitrixOAuthOptions
            {
                PortalUrl = emulator.BaseAddress,
                TokenEndpoint = new Uri(emulator.BaseAddress, "/oauth/token/"),
                ClientId = emulator.Options.OAuthClientId,
                ClientSecret = emulator.Options.OAuthClientSecret,
                AccessToken = tokens.AccessToken,
                RefreshToken = tokens.RefreshToken,
            };
            configure?.Invoke(oauth);
            OAuthPortal? portal = null;
            oauth.OnTokensRenewed = (renewed, _) =>
            {
                portal!.Renewed.Enqueue(renewed);
                return Task.CompletedTask;
            };
            portal = new OAuthPortal(emulator, recorder, http, BitrixClient.FromOAuth(oauth, http, Fast.Apply(clientOptions ?? new BitrixClientOptions())), oauth);
            return portal;
        }

        public async Task<EmulatorStats> StatsAsync()
        {
            var stats = await Emulator.GetStatsAsync();
            Assert.Equal(0, stats.InternalFailures);
            return stats;
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            Http.Dispose();
            await Emulator.DisposeAsync();
        }
    }

    [Fact]
    public async Task Calls_batches_and_bulk_calls_work_with_the_token_in_the_body()
    {
        await using var portal = await OAuthPortal.CreateAsync();
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");

        var deal = await portal.Client.CallAsync("crm.deal.get", new { id = ids[2] });
        var batch = await portal.Client.BatchAsync(new BitrixBatch().Add("crm.deal.get", new { id = ids[3] }));
        var many = await portal.Client.CallManyAsync("crm.deal.get", ids.Take(60).Select(id => (object?)new { id }));
        var taskId = (await portal.Emulator.GetIdsAsync("tasks.task"))[0];
        var comment = await portal.Client.CallRawAsync("task.commentitem.add", new object[] { taskId, new { POST_MESSAGE = "via OAuth" } });

        Assert.Equal(ids[2].ToString(System.Globalization.CultureInfo.InvariantCulture), deal.GetProperty("ID").GetString());
        Assert.True(batch["0"].IsSuccess);
        Assert.All(many, r => Assert.True(r.IsSuccess));
        Assert.True(comment.Result.GetInt64() > 0);
        Assert.All(portal.Recorder.RestRequests, r =>
        {
            Assert.Matches("^/rest/[a-z.]+\\.json$", r.Uri.AbsolutePath);
            Assert.Empty(r.Uri.Query);
            Assert.Equal(portal.OAuth.AccessToken, (string?)r.Json!["auth"]);
        });
        Assert.Equal(0, (await portal.StatsAsync()).TokenRefreshes);
        Assert.Empty(portal.Renewed);
    }

    [Fact]
    public async Task The_application_settings_are_those_the_client_was_built_with_even_when_the_options_change_later()
    {
        await using var portal = await OAuthPortal.CreateAsync();
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");
        var lateCallbacks = 0;
        portal.OAuth.TokenEndpoint = new Uri("https://elsewhere.example/oauth/token/");
        portal.OAuth.ClientSecret = "changed-after-the-client-was-built";
        portal.OAuth.OnTokensRenewed = (_, _) =>
        {
            Interlocked.Increment(ref lateCallbacks);
            return Task.CompletedTask;
        };

        await portal.Emulator.ExpireOAuthTokensAsync();
        var deal = await portal.Client.CallAsync("crm.deal.get", new { id = ids[1] });

        Assert.Equal(ids[1].ToString(System.Globalization.CultureInfo.InvariantCulture), deal.GetProperty("ID").GetString());
        var refresh = Assert.Single(portal.Recorder.Requests, r => r.Uri.AbsolutePath.StartsWith("/oauth/token", StringComparison.Ordinal));
        Assert.Equal(portal.Emulator.BaseAddress.Host, refresh.Uri.Host);
        Assert.DoesNotContain("changed-after", refresh.BodyText, StringComparison.Ordinal);
        Assert.Single(portal.Renewed);
        Assert.Equal(0, lateCallbacks);
    }

    [Fact]
    public async Task A_token_expiring_between_calls_is_renewed_once_and_the_call_succeeds()
    {
        await using var portal = await OAuthPortal.CreateAsync();
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");
        await portal.Client.CallAsync("crm.deal.get", new { id = ids[0] });

        await portal.Emulator.ExpireOAuthTokensAsync();
        var deal = await portal.Client.CallAsync("crm.deal.get", new { id = ids[1] });
        var again = await portal.Client.CallAsync("crm.deal.get", new { id = ids[2] });

        Assert.Equal(ids[1].ToString(System.Globalization.CultureInfo.InvariantCulture), deal.GetProperty("ID").GetString());
        Assert.Equal(ids[2].ToString(System.Globalization.CultureInfo.InvariantCulture), again.GetProperty("ID").GetString());
        Assert.Equal(1, (await portal.StatsAsync()).TokenRefreshes);
        var renewed = Assert.Single(portal.Renewed);
        Assert.NotEqual(portal.OAuth.AccessToken, renewed.AccessToken);
        Assert.NotEqual(portal.OAuth.RefreshToken, renewed.RefreshToken);
        Assert.NotNull(renewed.ExpiresAt);
        var rest = portal.Recorder.RestRequests;
        Assert.Equal(4, rest.Count);
        Assert.Equal([portal.OAuth.AccessToken, portal.OAuth.AccessToken, renewed.AccessToken, renewed.AccessToken], rest.Select(r => (string?)r.Json!["auth"]));
        var refresh = Assert.Single(portal.Recorder.Requests, r => r.Uri.AbsolutePath.StartsWith("/oauth/token", StringComparison.Ordinal));
        Assert.Contains("grant_type=refresh_token", refresh.BodyText, StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString(portal.OAuth.RefreshToken), refresh.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_expiring_during_sixteen_concurrent_calls_is_renewed_exactly_once()
    {
        await using var portal = await OAuthPortal.CreateAsync(clientOptions: Fast.Options(o => { o.MaxConcurrency = 16; }));
        var seen = 0;
        portal.Recorder.BeforeSend = async r =>
        {
            if (r.Uri.AbsolutePath.StartsWith("/rest/", StringComparison.Ordinal) && Interlocked.Increment(ref seen) == 4)
            {
                await portal.Emulator.ExpireOAuthTokensAsync();
            }
        };
        var ids = (await portal.Emulator.GetIdsAsync("crm.deal")).Take(16).ToList();

        var deals = await Task.WhenAll(ids.Select(id => portal.Client.CallAsync("crm.deal.get", new { id })));

        Assert.Equal(ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), deals.Select(d => d.GetProperty("ID").GetString()));
        var stats = await portal.StatsAsync();
        Assert.Equal(1, stats.TokenRefreshes);
        Assert.Single(portal.Renewed);
        Assert.True(stats.AnswersByStatus.GetValueOrDefault(401) >= 1);
        Assert.Equal(16, stats.AnswersByStatus[200]);
    }

    [Fact]
    public async Task Sixteen_concurrent_calls_on_an_expired_token_share_one_renewal()
    {
        await using var portal = await OAuthPortal.CreateAsync(clientOptions: Fast.Options(o => { o.MaxConcurrency = 16; }));
        await portal.Emulator.ExpireOAuthTokensAsync();
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");

        var deals = await Task.WhenAll(ids.Take(16).Select(id => portal.Client.CallAsync("crm.deal.get", new { id })));

        Assert.Equal(16, deals.Length);
        Assert.Equal(1, (await portal.StatsAsync()).TokenRefreshes);
        Assert.Single(portal.Renewed);
    }

    [Fact]
    public async Task Auto_batched_calls_on_an_expired_token_share_one_renewal()
    {
        await using var portal = await OAuthPortal.CreateAsync(clientOptions: Fast.Options(o => { o.AutoBatch = true; }));
        await portal.Emulator.ExpireOAuthTokensAsync();
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");

        var deals = await Task.WhenAll(ids.Take(150).Select(id => portal.Client.CallAsync("crm.deal.get", new { id })));

        Assert.Equal(150, deals.Length);
        Assert.Equal(1, (await portal.StatsAsync()).TokenRefreshes);
    }

    [Fact]
    public async Task The_renewed_pair_is_the_one_to_persist_and_the_old_refresh_token_is_spent()
    {
        await using var portal = await OAuthPortal.CreateAsync();
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");
        await portal.Emulator.ExpireOAuthTokensAsync();
        await portal.Client.CallAsync("crm.deal.get", new { id = ids[0] });
        var renewed = Assert.Single(portal.Renewed);

        // A client started later from the persisted pair works without a refresh...
        await using var restarted = BitrixClient.FromOAuth(new BitrixOAuthOptions
        {
            PortalUrl = portal.OAuth.PortalUrl,
            TokenEndpoint = portal.OAuth.TokenEndpoint,
            ClientId = portal.OAuth.ClientId,
            ClientSecret = portal.OAuth.ClientSecret,
            AccessToken = renewed.AccessToken,
            RefreshToken = renewed.RefreshToken,
        }, portal.Http);
        Assert.Equal(ids[4].ToString(System.Globalization.CultureInfo.InvariantCulture), (await restarted.CallAsync("crm.deal.get", new { id = ids[4] })).GetProperty("ID").GetString());
        Assert.Equal(1, (await portal.StatsAsync()).TokenRefreshes);

        // ...while one started from the original pair cannot renew: its refresh token was rotated.
        await using var stale = BitrixClient.FromOAuth(new BitrixOAuthOptions
        {
            PortalUrl = portal.OAuth.PortalUrl,
            TokenEndpoint = portal.OAuth.TokenEndpoint,
            ClientId = portal.OAuth.ClientId,
            ClientSecret = portal.OAuth.ClientSecret,
            AccessToken = portal.OAuth.AccessToken,
            RefreshToken = portal.OAuth.RefreshToken,
        }, portal.Http);
        var e = await Assert.ThrowsAsync<BitrixException>(() => stale.CallAsync("crm.deal.get", new { id = ids[4] }));
        Assert.Equal("invalid_grant", e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
    }

    [Fact]
    public async Task A_bad_client_secret_gives_a_BitrixException_without_the_secret()
    {
        const string wrong = "not-the-client-secret-4711";
        await using var portal = await OAuthPortal.CreateAsync(configure: o => o.ClientSecret = wrong);
        await portal.Emulator.ExpireOAuthTokensAsync();

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal("invalid_client", e.ErrorCode);
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.DoesNotContain(wrong, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(portal.OAuth.RefreshToken, e.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, (await portal.StatsAsync()).TokenRefreshes);
        Assert.Empty(portal.Renewed);
    }

    [Fact]
    public async Task An_unknown_access_token_is_renewed_too()
    {
        await using var portal = await OAuthPortal.CreateAsync(configure: o => o.AccessToken = "an-access-token-the-portal-never-issued");
        var id = (await portal.Emulator.GetIdsAsync("crm.deal"))[0];

        var deal = await portal.Client.CallAsync("crm.deal.get", new { id });

        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), deal.GetProperty("ID").GetString());
        Assert.Equal(1, (await portal.StatsAsync()).TokenRefreshes);
    }

    [Fact]
    public async Task A_token_still_refused_after_renewal_fails_without_looping()
    {
        var options = TestPortal.Options();
        options.AccessTokenLifetime = TimeSpan.Zero; // every token is born expired
        await using var portal = await OAuthPortal.CreateAsync(options);

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.ExpiredToken, e.ErrorCode);
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal(1, (await portal.StatsAsync()).TokenRefreshes);
        Assert.Equal(2, portal.Recorder.RestRequests.Count);
    }

    [Fact]
    public async Task An_unreachable_token_endpoint_gives_a_BitrixException()
    {
        var emulator = new BitrixEmulator(TestPortal.Options());
        await using var _ = emulator;
        var tokens = await emulator.IssueOAuthTokensAsync();
        using var http = new HttpClient(new HostRouter().Route(emulator.BaseAddress.Host, emulator.CreateHandler()));
        await using var client = BitrixClient.FromOAuth(new BitrixOAuthOptions
        {
            PortalUrl = emulator.BaseAddress,
            TokenEndpoint = new Uri("http://oauth.unreachable.example/oauth/token/"),
            ClientId = emulator.Options.OAuthClientId,
            ClientSecret = emulator.Options.OAuthClientSecret,
            AccessToken = tokens.AccessToken,
            RefreshToken = tokens.RefreshToken,
        }, http, Fast.Options());
        await emulator.ExpireOAuthTokensAsync();

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.TransportFailure, e.ErrorCode);
        Assert.DoesNotContain(tokens.RefreshToken, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_endpoint_answering_html_gives_an_invalid_response()
    {
        var emulator = new BitrixEmulator(TestPortal.Options());
        await using var _ = emulator;
        var tokens = await emulator.IssueOAuthTokensAsync();
        using var http = new HttpClient(new HostRouter()
            .Route(emulator.BaseAddress.Host, emulator.CreateHandler())
            .Route("oauth.example", StubHandler.Always(HttpStatusCode.BadGateway, "<html><body>502 Bad Gateway</body></html>", "text/html")));
        await using var client = BitrixClient.FromOAuth(new BitrixOAuthOptions
        {
            PortalUrl = emulator.BaseAddress,
            TokenEndpoint = new Uri("http://oauth.example/oauth/token/"),
            ClientId = emulator.Options.OAuthClientId,
            ClientSecret = emulator.Options.OAuthClientSecret,
            AccessToken = tokens.AccessToken,
            RefreshToken = tokens.RefreshToken,
        }, http, Fast.Options());
        await emulator.ExpireOAuthTokensAsync();

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.InvalidResponse, e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
    }

    [Fact]
    public void FromOAuth_checks_its_options()
    {
        static BitrixOAuthOptions Valid() => new()
        {
            PortalUrl = new Uri("https://portal.example/"),
            ClientId = "id",
            ClientSecret = "secret",
            AccessToken = "access",
            RefreshToken = "refresh",
        };

        Assert.Throws<ArgumentNullException>(() => BitrixClient.FromOAuth(null!));
        Assert.ThrowsAny<ArgumentException>(() => BitrixClient.FromOAuth(Change(Valid(), o => o.ClientSecret = string.Empty)));
        Assert.ThrowsAny<ArgumentException>(() => BitrixClient.FromOAuth(Change(Valid(), o => o.AccessToken = string.Empty)));
        Assert.ThrowsAny<ArgumentException>(() => BitrixClient.FromOAuth(Change(Valid(), o => o.RefreshToken = string.Empty)));
        Assert.ThrowsAny<ArgumentException>(() => BitrixClient.FromOAuth(Change(Valid(), o => o.ClientId = string.Empty)));
        Assert.ThrowsAny<ArgumentException>(() => BitrixClient.FromOAuth(Change(Valid(), o => o.PortalUrl = new Uri("/relative", UriKind.Relative))));
        Assert.ThrowsAny<ArgumentException>(() => BitrixClient.FromOAuth(Change(Valid(), o => o.PortalUrl = new Uri("ftp://portal.example/"))));
    }

    private static BitrixOAuthOptions Change(BitrixOAuthOptions options, Action<BitrixOAuthOptions> change)
    {
        change(options);
        return options;
    }
}
