using Bitrix.Emulator;

namespace Bitrix.AspNetCore.Tests;

public sealed class EmulatorDeliveryTests
{
    /// <summary>
    /// The whole loop: an application binds its endpoint through <c>bx.Events</c>, CRM writes on the portal are
    /// queued and POSTed to it, the endpoint checks the portal's application token and hands typed events over.
    /// </summary>
    [Fact]
    public async Task Writes_on_the_emulated_portal_reach_the_endpoint_as_typed_events()
    {
        await using var emulator = await BitrixEmulator.StartAsync(new EmulatorOptions { Deals = 3, LatencyScale = 0 });
        await using var server = await EventServer.StartAsync(o =>
        {
            o.ApplicationTokens.Clear();
            o.ApplicationTokens.Add(emulator.ApplicationToken);
        });
        var tokens = await emulator.IssueOAuthTokensAsync();
        await using var app = BitrixClient.FromOAuth(new BitrixOAuthOptions
        {
            PortalUrl = emulator.BaseAddress,
            TokenEndpoint = new Uri(emulator.BaseAddress, "/oauth/token/"),
            ClientId = emulator.Options.OAuthClientId,
            ClientSecret = emulator.Options.OAuthClientSecret,
            AccessToken = tokens.AccessToken,
            RefreshToken = tokens.RefreshToken,
        }, new BitrixClientOptions { RateLimitStore = new InMemoryRateLimitStore() });
        await using var hook = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), new BitrixClientOptions { RateLimitStore = new InMemoryRateLimitStore() });

        foreach (var name in new[] { "ONCRMDEALADD", "ONCRMDEALUPDATE", "ONCRMDEALDELETE", "ONCRMCONTACTADD" })
        {
            await app.Events.BindAsync(name, server.Endpoint);
        }

        var bound = await app.Events.GetAsync();
        Assert.Equal(4, bound.Count);
        Assert.All(bound, b => Assert.Equal(server.Endpoint.AbsoluteUri, b.Handler));
        var refused = await Assert.ThrowsAsync<BitrixException>(() => hook.Events.BindAsync("ONCRMDEALADD", server.Endpoint));
        Assert.Equal("WRONG_AUTH_TYPE", refused.ErrorCode);
        await Assert.ThrowsAsync<ArgumentException>(() => app.Events.BindAsync("ONCRMDEALADD", new Uri("ftp://example.com/")));

        var deal = await hook.CallAsync<long>("crm.deal.add", new { fields = new { TITLE = "evented" } });
        await hook.CallAsync("crm.deal.update", new { id = deal, fields = new { TITLE = "changed" } });
        await hook.CallAsync("crm.deal.delete", new { id = deal });
        var contact = await hook.CallAsync<long>("crm.contact.add", new { fields = new { NAME = "Ann" } });
        await hook.CallAsync("crm.lead.add", new { fields = new { TITLE = "not bound" } });

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.Received.Count < 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Task.Delay(200);
        var events = server.Received.Cast<BitrixCrmEvent>().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [("ONCRMCONTACTADD", BitrixCrmEntity.Contact, BitrixCrmAction.Add, contact), ("ONCRMDEALADD", BitrixCrmEntity.Deal, BitrixCrmAction.Add, deal), ("ONCRMDEALDELETE", BitrixCrmEntity.Deal, BitrixCrmAction.Delete, deal), ("ONCRMDEALUPDATE", BitrixCrmEntity.Deal, BitrixCrmAction.Update, deal)],
            events.Select(e => (e.Name, e.Entity, e.Action, e.Id)));
        Assert.All(events, e => Assert.Equal(emulator.BaseAddress.Authority, e.Auth.Domain));
        Assert.Equal(new EmulatorEventStats(4, 4, 0), await emulator.GetEventStatsAsync());

        Assert.Equal(1, await app.Events.UnbindAsync("ONCRMCONTACTADD", server.Endpoint));
        await hook.CallAsync("crm.contact.add", new { fields = new { NAME = "Bob" } });
        await Task.Delay(300);
        Assert.Equal(4, server.Received.Count);
    }

    [Fact]
    public async Task An_endpoint_with_another_token_refuses_the_portal_s_events()
    {
        await using var emulator = await BitrixEmulator.StartAsync(new EmulatorOptions { Deals = 1, LatencyScale = 0 });
        await using var server = await EventServer.StartAsync();
        var tokens = await emulator.IssueOAuthTokensAsync();
        await using var app = BitrixClient.FromOAuth(new BitrixOAuthOptions
        {
            PortalUrl = emulator.BaseAddress,
            TokenEndpoint = new Uri(emulator.BaseAddress, "/oauth/token/"),
            ClientId = emulator.Options.OAuthClientId,
            ClientSecret = emulator.Options.OAuthClientSecret,
            AccessToken = tokens.AccessToken,
            RefreshToken = tokens.RefreshToken,
        }, new BitrixClientOptions { RateLimitStore = new InMemoryRateLimitStore() });
        await app.Events.BindAsync("ONCRMDEALADD", server.Endpoint);

        await app.CallAsync("crm.deal.add", new { fields = new { TITLE = "x" } });

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await emulator.GetEventStatsAsync()).Failed == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(new EmulatorEventStats(1, 0, 1), await emulator.GetEventStatsAsync());
        Assert.Empty(server.Received);
    }
}
