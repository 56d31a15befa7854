using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Bitrix.Emulator.Tests.Methods;

public sealed class EventMethodTests
{
    [Fact]
    public async Task Event_bind_is_refused_over_a_webhook()
    {
        await using var portal = TestPortal.Small();

        await portal.FailsAsync("event.bind", new { @event = "ONCRMDEALADD", handler = "https://example.com/h" }, "WRONG_AUTH_TYPE", HttpStatusCode.Forbidden);
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Bind_get_and_unbind_over_oauth_answer_the_documented_shapes()
    {
        await using var portal = TestPortal.Small();
        var token = (await portal.Emulator.IssueOAuthTokensAsync()).AccessToken;

        Assert.True((bool)(await OAuthAsync(portal, "event.bind", token, new { @event = "onCrmDealAdd", handler = "https://example.com/h" })).Result!);
        var unknown = await OAuthAsync(portal, "event.bind", token, new { @event = "ONNOTHING", handler = "https://example.com/h" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("ERROR_EVENT_NOT_FOUND", unknown.Error);
        var again = await OAuthAsync(portal, "event.bind", token, new { @event = "ONCRMDEALADD", handler = "https://example.com/h" });
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        await OAuthAsync(portal, "event.bind", token, new { @event = "ONCRMDEALUPDATE", handler = "https://example.com/h" });

        var bound = (await OAuthAsync(portal, "event.get", token, new { })).Result!.AsArray();
        Assert.Equal(["ONCRMDEALADD", "ONCRMDEALUPDATE"], bound.Select(b => (string)b!["event"]!));
        Assert.Equal("https://example.com/h", (string?)bound[0]!["handler"]);
        Assert.Equal("0", (string?)bound[0]!["auth_type"]);
        Assert.Equal(0, (int)bound[0]!["offline"]!);

        var removed = await OAuthAsync(portal, "event.unbind", token, new { @event = "ONCRMDEALADD", handler = "https://example.com/h" });
        Assert.Equal(1, (int)removed.Result!["count"]!);
        Assert.Single((await OAuthAsync(portal, "event.get", token, new { })).Result!.AsArray());
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Crm_writes_are_posted_to_bound_handlers_with_the_documented_form()
    {
        var received = new ConcurrentQueue<Dictionary<string, string>>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            received.Enqueue(form.ToDictionary(p => p.Key, p => p.Value.ToString()));
            return Results.Ok();
        });
        await app.StartAsync();
        var hook = app.Urls.First() + "/hook";

        await using var portal = TestPortal.Small();
        var tokens = await portal.Emulator.IssueOAuthTokensAsync();
        foreach (var name in new[] { "ONCRMDEALADD", "ONCRMDEALUPDATE", "ONCRMDEALDELETE", "ONCRMDYNAMICITEMADD" })
        {
            Assert.Equal(HttpStatusCode.OK, (await OAuthAsync(portal, "event.bind", tokens.AccessToken, new { @event = name, handler = hook })).Status);
        }

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var id = (long)(await portal.OkAsync("crm.deal.add", new { fields = new { TITLE = "x" } }));
        await portal.OkAsync("crm.deal.update", new { id, fields = new { TITLE = "y" } });
        await portal.BatchAsync(new Dictionary<string, string> { ["d"] = $"crm.deal.delete?id={id}" });
        await portal.OkAsync("crm.lead.add", new { fields = new { TITLE = "not bound" } });
        var type = await portal.Emulator.DeclareSmartProcessAsync(new SmartProcessDeclaration("Orders"));
        await portal.OkAsync("crm.item.add", new { entityTypeId = type, fields = new { title = "o" } });

        await WaitAsync(() => received.Count >= 4);
        await Task.Delay(200);
        Assert.Equal(4, received.Count);
        var events = received.ToList();
        Assert.Equal(["ONCRMDEALADD", "ONCRMDEALDELETE", "ONCRMDEALUPDATE", "ONCRMDYNAMICITEMADD"], events.Select(e => e["event"]).Order());
        var add = events.Single(e => e["event"] == "ONCRMDEALADD");
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), add["data[FIELDS][ID]"]);
        Assert.Equal(portal.Emulator.ApplicationToken, add["auth[application_token]"]);
        Assert.Equal("portal.emulator", add["auth[domain]"]);
        Assert.Equal(32, add["auth[member_id]"].Length);
        Assert.True(long.Parse(add["ts"], System.Globalization.CultureInfo.InvariantCulture) >= before);
        Assert.False(string.IsNullOrEmpty(add["auth[access_token]"]));
        Assert.False(string.IsNullOrEmpty(add["event_handler_id"]));
        var dynamic = events.Single(e => e["event"] == "ONCRMDYNAMICITEMADD");
        Assert.Equal(type.ToString(System.Globalization.CultureInfo.InvariantCulture), dynamic["data[FIELDS][ENTITY_TYPE_ID]"]);
        var stats = await portal.Emulator.GetEventStatsAsync();
        Assert.Equal(new EmulatorEventStats(4, 4, 0), stats);
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task An_event_whose_handler_is_down_is_lost_not_resent()
    {
        await using var portal = TestPortal.Small();
        var tokens = await portal.Emulator.IssueOAuthTokensAsync();
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await OAuthAsync(portal, "event.bind", tokens.AccessToken, new { @event = "ONCRMDEALADD", handler = $"http://127.0.0.1:{port}/down" });

        await portal.OkAsync("crm.deal.add", new { fields = new { TITLE = "x" } });

        await WaitAsync(async () => (await portal.Emulator.GetEventStatsAsync()).Failed == 1);
        await Task.Delay(300);
        Assert.Equal(new EmulatorEventStats(1, 0, 1), await portal.Emulator.GetEventStatsAsync());
    }

    private static Task<Answer> OAuthAsync(PortalClient portal, string method, string token, object body)
    {
        var json = JsonSerializer.SerializeToNode(body)!.AsObject();
        json["auth"] = token;
        return portal.SendAsync(HttpMethod.Post, new Uri(portal.Emulator.BaseAddress, "/rest/" + method), new StringContent(json.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
    }

    private static Task WaitAsync(Func<bool> condition) => WaitAsync(() => Task.FromResult(condition()));

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the event queue");
            await Task.Delay(20);
        }
    }
}
