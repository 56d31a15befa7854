using System.Net.Http.Headers;
using Bitrix.Emulator.OAuth;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Emulator.Tests.OAuth;

/// <summary>OAuth applications (docs/protocol.md §1, §2, §7): where the token may travel, its errors, and refresh at /oauth/token/.</summary>
public sealed class OAuthTests : PortalTestBase
{
    private static readonly string[] TokenAnswerKeys =
        ["access_token", "client_endpoint", "domain", "expires", "expires_in", "member_id", "refresh_token", "scope", "server_endpoint", "status", "user_id"];

    /// <summary>A seeded deal's ID, set by <see cref="PortalAsync"/>.</summary>
    private string _deal = "";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 5, 14, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task The_token_is_accepted_as_auth_in_the_query_the_json_body_and_a_form()
    {
        var (portal, tokens) = await PortalAsync();

        var query = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}&auth={tokens.AccessToken}");
        var json = await portal.RawAsync(HttpMethod.Post, "/rest/crm.deal.get", $$"""{"id": {{_deal}}, "auth": "{{tokens.AccessToken}}"}""", "application/json");
        var form = await portal.RawAsync(HttpMethod.Post, "/rest/crm.deal.get.json", $"id={_deal}&auth={tokens.AccessToken}", "application/x-www-form-urlencoded");

        foreach (var answer in new[] { query, json, form })
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(_deal, (string)answer.Result!["ID"]!);
        }
    }

    [Fact]
    public async Task The_token_is_accepted_as_access_token_and_as_a_bearer_header()
    {
        var (portal, tokens) = await PortalAsync();

        var accessToken = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}&access_token={tokens.AccessToken}");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portal.Emulator.BaseAddress, $"/rest/crm.deal.get?id={_deal}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        var bearer = await portal.SendAsync(request);

        Assert.Equal(_deal, (string)accessToken.Result!["ID"]!);
        Assert.Equal(_deal, (string)bearer.Result!["ID"]!);
    }

    [Fact]
    public async Task A_batch_runs_with_the_token()
    {
        var (portal, tokens) = await PortalAsync();

        var answer = await portal.RawAsync(HttpMethod.Post, "/rest/batch", $$$"""{"auth": "{{{tokens.AccessToken}}}", "cmd": {"a": "crm.deal.get?id={{{_deal}}}"}}""", "application/json");

        Assert.Equal(_deal, (string)answer.Result!["result"]!["a"]!["ID"]!);
    }

    [Fact]
    public async Task A_call_without_a_token_is_401_no_auth_found()
    {
        var (portal, _) = await PortalAsync();

        var answer = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}");
        var empty = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}&auth=");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("""{"error":"NO_AUTH_FOUND","error_description":"Wrong authorization data"}""", answer.Text);
        Assert.Equal("NO_AUTH_FOUND", empty.Error);
    }

    [Fact]
    public async Task An_unknown_token_is_401_invalid_token()
    {
        var (portal, _) = await PortalAsync();

        var answer = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}&auth=0123456789abcdef");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("invalid_token", answer.Error);
        Assert.Equal("Unable to get application by token", (string)answer.Json!["error_description"]!);
    }

    [Fact]
    public async Task A_token_expires_after_its_lifetime_with_401_expired_token()
    {
        var (portal, tokens) = await PortalAsync();
        Assert.Equal(_clock.GetUtcNow().AddHours(1), tokens.ExpiresAt);

        _clock.Advance(TimeSpan.FromMinutes(59));
        var stillValid = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}&auth={tokens.AccessToken}");
        _clock.Advance(TimeSpan.FromMinutes(1));
        var expired = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}&auth={tokens.AccessToken}");

        Assert.Equal(HttpStatusCode.OK, stillValid.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Equal("""{"error":"expired_token","error_description":"The access token provided has expired"}""", expired.Text);
    }

    [Fact]
    public async Task Expiring_tokens_on_demand_makes_the_next_call_expired_token()
    {
        var (portal, tokens) = await PortalAsync();

        await portal.Emulator.ExpireOAuthTokensAsync();
        var answer = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}&auth={tokens.AccessToken}");

        Assert.Equal("expired_token", answer.Error);
    }

    [Fact]
    public async Task Refresh_over_get_gives_a_new_pair_and_spends_the_old_refresh_token()
    {
        var (portal, tokens) = await PortalAsync();

        var refreshed = await portal.RawAsync(HttpMethod.Get, RefreshQuery(portal, tokens.RefreshToken));
        var again = await portal.RawAsync(HttpMethod.Get, RefreshQuery(portal, tokens.RefreshToken));

        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        var pair = refreshed.Json!;
        Assert.Equal(TokenAnswerKeys, pair.AsObject().Select(p => p.Key).Order());
        Assert.NotEqual(tokens.AccessToken, (string)pair["access_token"]!);
        Assert.NotEqual(tokens.RefreshToken, (string)pair["refresh_token"]!);
        Assert.Equal(3600, (long)pair["expires_in"]!);
        Assert.Equal(_clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds(), (long)pair["expires"]!);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal("invalid_grant", again.Error);
        var call = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}&auth={(string)pair["access_token"]!}");
        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal(1, (await portal.Emulator.GetStatsAsync()).TokenRefreshes);
    }

    [Fact]
    public async Task Refresh_over_a_posted_form_works_like_b24jssdk()
    {
        var (portal, tokens) = await PortalAsync();
        var form = $"grant_type=refresh_token&client_id={portal.Emulator.Options.OAuthClientId}&client_secret={portal.Emulator.Options.OAuthClientSecret}&refresh_token={tokens.RefreshToken}";

        var refreshed = await portal.RawAsync(HttpMethod.Post, "/oauth/token/", form, "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.Equal(TokenAnswerKeys, refreshed.Json!.AsObject().Select(p => p.Key).Order());
        Assert.Equal("L", (string)refreshed.Json!["status"]!);
        Assert.EndsWith("/rest/", (string)refreshed.Json!["client_endpoint"]!, StringComparison.Ordinal);
        Assert.Equal(portal.Emulator.BaseAddress.Authority, (string)refreshed.Json!["domain"]!);
    }

    [Fact]
    public async Task A_refreshed_access_token_expires_an_hour_after_the_refresh()
    {
        var (portal, tokens) = await PortalAsync();
        _clock.Advance(TimeSpan.FromMinutes(50));

        var pair = (await portal.RawAsync(HttpMethod.Get, RefreshQuery(portal, tokens.RefreshToken))).Json!;
        _clock.Advance(TimeSpan.FromMinutes(50));
        var valid = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}&auth={(string)pair["access_token"]!}");
        _clock.Advance(TimeSpan.FromMinutes(10));
        var expired = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}&auth={(string)pair["access_token"]!}");

        Assert.Equal(HttpStatusCode.OK, valid.Status);
        Assert.Equal("expired_token", expired.Error);
    }

    [Theory]
    [InlineData("wrong-client", null)]
    [InlineData(null, "wrong-secret")]
    public async Task A_wrong_client_is_401_invalid_client(string? clientId, string? clientSecret)
    {
        var (portal, tokens) = await PortalAsync();
        var options = portal.Emulator.Options;

        var answer = await portal.RawAsync(HttpMethod.Get, $"/oauth/token/?grant_type=refresh_token&client_id={clientId ?? options.OAuthClientId}&client_secret={clientSecret ?? options.OAuthClientSecret}&refresh_token={tokens.RefreshToken}");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("invalid_client", answer.Error);
        Assert.Equal(HttpStatusCode.OK, (await portal.RawAsync(HttpMethod.Get, RefreshQuery(portal, tokens.RefreshToken))).Status);
    }

    [Theory]
    [InlineData("grant_type=authorization_code")]
    [InlineData("grant_type=refresh_token")]
    [InlineData("")]
    public async Task An_incomplete_refresh_is_400_invalid_request(string query)
    {
        var (portal, _) = await PortalAsync();

        var answer = await portal.RawAsync(HttpMethod.Get, "/oauth/token/?" + query + "&client_id=" + portal.Emulator.Options.OAuthClientId);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("invalid_request", answer.Error);
    }

    [Fact]
    public async Task An_unknown_or_expired_refresh_token_is_invalid_grant()
    {
        var (portal, tokens) = await PortalAsync();

        var unknown = await portal.RawAsync(HttpMethod.Get, RefreshQuery(portal, "nope"));
        _clock.Advance(TimeSpan.FromDays(181));
        var expired = await portal.RawAsync(HttpMethod.Get, RefreshQuery(portal, tokens.RefreshToken));

        Assert.Equal("invalid_grant", unknown.Error);
        Assert.Equal(HttpStatusCode.BadRequest, expired.Status);
        Assert.Equal("invalid_grant", expired.Error);
    }

    [Fact]
    public async Task Tokens_can_be_issued_and_expired_through_control_endpoints()
    {
        var (portal, _) = await PortalAsync();

        var issued = (await portal.RawAsync(HttpMethod.Post, "/_emulator/oauth/tokens", [])).Json!;
        var call = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}&auth={(string)issued["access_token"]!}");
        await portal.RawAsync(HttpMethod.Post, "/_emulator/oauth/expire", []);
        var expired = await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={_deal}&auth={(string)issued["access_token"]!}");

        Assert.Equal(portal.Emulator.Options.OAuthClientId, (string)issued["client_id"]!);
        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal("expired_token", expired.Error);
    }

    [Fact]
    public async Task A_webhook_call_needs_no_token()
    {
        var (portal, _) = await PortalAsync();

        var answer = await portal.GetAsync($"crm.deal.get?id={_deal}&auth=garbage");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public void Tokens_do_not_print_their_secrets()
    {
        var tokens = new OAuthTokens("secret-access", "secret-refresh", DateTimeOffset.UnixEpoch);

        Assert.DoesNotContain("secret", tokens.ToString(), StringComparison.Ordinal);
    }

    private async Task<(PortalClient Portal, OAuthTokens Tokens)> PortalAsync()
    {
        var options = Small();
        options.TimeProvider = _clock;
        var portal = InProcess(options);
        _deal = (await portal.IdAsync("crm.deal", 3)).ToString(CultureInfo.InvariantCulture);
        return (portal, await portal.Emulator.IssueOAuthTokensAsync());
    }

    private static string RefreshQuery(PortalClient portal, string refreshToken)
    {
        var options = portal.Emulator.Options;
        return new StringBuilder("/oauth/token/?grant_type=refresh_token")
            .Append("&client_id=").Append(Uri.EscapeDataString(options.OAuthClientId))
            .Append("&client_secret=").Append(Uri.EscapeDataString(options.OAuthClientSecret))
            .Append("&refresh_token=").Append(Uri.EscapeDataString(refreshToken))
            .ToString();
    }
}
