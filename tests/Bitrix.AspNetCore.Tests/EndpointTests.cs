using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix.AspNetCore.Tests;

public sealed class EndpointTests
{
    private static readonly HttpClient Http = new();

    public static string Form(string eventName = "ONCRMDEALADD", string id = "6641", string? token = EventServer.Token, string ts = "1735374081", string? extra = null)
    {
        var parts = new List<string>
        {
            "event=" + eventName,
            "event_handler_id=185",
            "data%5BFIELDS%5D%5BID%5D=" + id,
            "ts=" + ts,
            "auth%5Baccess_token%5D=s6p6eclrvim6da22ft9ch94ekreb52lv",
            "auth%5Bexpires_in%5D=3600",
            "auth%5Bscope%5D=crm",
            "auth%5Bdomain%5D=some-domain.bitrix24.com",
            "auth%5Bserver_endpoint%5D=https%3A%2F%2Foauth.bitrix.info%2Frest%2F",
            "auth%5Bstatus%5D=L",
            "auth%5Bclient_endpoint%5D=https%3A%2F%2Fsome-domain.bitrix24.com%2Frest%2F",
            "auth%5Bmember_id%5D=a223c6b3710f85df22e9377d6c4f7553",
            "auth%5Brefresh_token%5D=4s386p3q0tr8dy89xvmt96234v3dljg8",
        };
        if (token is not null)
        {
            parts.Add("auth%5Bapplication_token%5D=" + Uri.EscapeDataString(token));
        }

        if (extra is not null)
        {
            parts.Add(extra);
        }

        return string.Join('&', parts);
    }

    public static async Task<HttpStatusCode> PostAsync(Uri endpoint, string body, string contentType = "application/x-www-form-urlencoded")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await Http.PostAsync(endpoint, content);
        return response.StatusCode;
    }

    [Fact]
    public async Task The_documented_deal_event_is_handed_over_typed()
    {
        await using var server = await EventServer.StartAsync();

        Assert.Equal(HttpStatusCode.OK, await PostAsync(server.Endpoint, Form()));

        var e = Assert.IsType<BitrixCrmEvent>(Assert.Single(server.Received));
        Assert.Equal("ONCRMDEALADD", e.Name);
        Assert.Equal(BitrixCrmEntity.Deal, e.Entity);
        Assert.Equal(BitrixCrmAction.Add, e.Action);
        Assert.Equal(6641, e.Id);
        Assert.Equal(2, e.EntityTypeId);
        Assert.Equal(185, e.HandlerId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1735374081), e.Timestamp);
        Assert.Equal("some-domain.bitrix24.com", e.Auth.Domain);
        Assert.Equal("a223c6b3710f85df22e9377d6c4f7553", e.Auth.MemberId);
        Assert.Equal("https://some-domain.bitrix24.com/rest/", e.Auth.ClientEndpoint);
        Assert.Equal("s6p6eclrvim6da22ft9ch94ekreb52lv", e.Auth.AccessToken);
        Assert.Equal(3600, e.Auth.ExpiresIn);
        Assert.Equal("6641", e.Data.GetProperty("FIELDS").GetProperty("ID").GetString());
        Assert.DoesNotContain("s6p6", e.Auth.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("4s386", e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(EventServer.Token, e.ToString() + e.Auth + e.Data.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ONCRMDEALUPDATE", BitrixCrmEntity.Deal, BitrixCrmAction.Update, 2)]
    [InlineData("ONCRMDEALDELETE", BitrixCrmEntity.Deal, BitrixCrmAction.Delete, 2)]
    [InlineData("ONCRMLEADADD", BitrixCrmEntity.Lead, BitrixCrmAction.Add, 1)]
    [InlineData("onCrmLeadUpdate", BitrixCrmEntity.Lead, BitrixCrmAction.Update, 1)]
    [InlineData("ONCRMLEADDELETE", BitrixCrmEntity.Lead, BitrixCrmAction.Delete, 1)]
    [InlineData("ONCRMCONTACTADD", BitrixCrmEntity.Contact, BitrixCrmAction.Add, 3)]
    [InlineData("ONCRMCONTACTUPDATE", BitrixCrmEntity.Contact, BitrixCrmAction.Update, 3)]
    [InlineData("ONCRMCONTACTDELETE", BitrixCrmEntity.Contact, BitrixCrmAction.Delete, 3)]
    [InlineData("ONCRMCOMPANYADD", BitrixCrmEntity.Company, BitrixCrmAction.Add, 4)]
    [InlineData("ONCRMCOMPANYUPDATE", BitrixCrmEntity.Company, BitrixCrmAction.Update, 4)]
    [InlineData("ONCRMCOMPANYDELETE", BitrixCrmEntity.Company, BitrixCrmAction.Delete, 4)]
    public async Task Crm_entity_events_are_typed(string name, BitrixCrmEntity entity, BitrixCrmAction action, long entityTypeId)
    {
        await using var server = await EventServer.StartAsync();

        Assert.Equal(HttpStatusCode.OK, await PostAsync(server.Endpoint, Form(name, id: "17")));

        var e = Assert.IsType<BitrixCrmEvent>(Assert.Single(server.Received));
        Assert.Equal((entity, action, 17L, (long?)entityTypeId, name.ToUpperInvariant()), (e.Entity, e.Action, e.Id, e.EntityTypeId, e.Name));
    }

    [Fact]
    public async Task Smart_process_and_unknown_events()
    {
        await using var server = await EventServer.StartAsync();

        Assert.Equal(HttpStatusCode.OK, await PostAsync(server.Endpoint, Form("ONCRMDYNAMICITEMADD", id: "22", extra: "data%5BFIELDS%5D%5BENTITY_TYPE_ID%5D=1220")));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(server.Endpoint, Form("ONTASKADD", id: "5", extra: "data%5BFIELDS_AFTER%5D%5BTAGS%5D%5B%5D=a&data%5BFIELDS_AFTER%5D%5BTAGS%5D%5B%5D=b")));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(server.Endpoint, Form("ONCRMDEALMOVETOCATEGORY", id: "5")));

        var events = server.Received.ToArray();
        var item = Assert.IsType<BitrixCrmEvent>(events[0]);
        Assert.Equal((BitrixCrmEntity.SmartProcessItem, BitrixCrmAction.Add, 22L, (long?)1220), (item.Entity, item.Action, item.Id, item.EntityTypeId));
        Assert.IsNotType<BitrixCrmEvent>(events[1]);
        Assert.Equal("ONTASKADD", events[1].Name);
        Assert.Equal("[\"a\",\"b\"]", events[1].Data.GetProperty("FIELDS_AFTER").GetProperty("TAGS").GetRawText());
        Assert.IsNotType<BitrixCrmEvent>(events[2]);
    }

    [Theory]
    [InlineData("51856fefc120afa4b628cc82d3935ccf")]
    [InlineData("51856fefc120afa4b628cc82d3935cc")]
    [InlineData("51856FEFC120AFA4B628CC82D3935CCE")]
    [InlineData("")]
    [InlineData(null)]
    public async Task A_forged_or_missing_token_is_401_and_nothing_is_handed_over(string? token)
    {
        await using var server = await EventServer.StartAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(server.Endpoint, Form(token: token)));
        if (token is not null)
        {
            // A forged token next to the real one: both are the same key, and the endpoint takes neither.
            Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(server.Endpoint, Form(token: token, extra: "auth%5Bapplication_token%5D=" + EventServer.Token)));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(server.Endpoint, "event=ONCRMDEALADD&data%5BFIELDS%5D%5BID%5D=1"));
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task Every_configured_token_is_accepted_while_rotating()
    {
        await using var server = await EventServer.StartAsync(o => o.ApplicationTokens.Add("next-token"));

        Assert.Equal(HttpStatusCode.OK, await PostAsync(server.Endpoint, Form(token: "next-token")));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(server.Endpoint, Form()));
        Assert.Equal(2, server.Received.Count);
    }

    [Fact]
    public void An_endpoint_without_a_token_is_refused_at_startup()
    {
        var app = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder().Build();
        Assert.Throws<ArgumentException>(() => app.MapBitrixEvents("/e", (_, _) => Task.CompletedTask, new BitrixEventOptions()));
        Assert.Throws<ArgumentException>(() => app.MapBitrixEvents("/e", (_, _) => Task.CompletedTask, new BitrixEventOptions { ApplicationTokens = { "t" }, MaxBodyBytes = 0 }));
    }

    [Theory]
    [InlineData("application/json", "{\"event\":\"ONCRMDEALADD\"}", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("text/plain", "event=ONCRMDEALADD", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/x-www-form-urlencoded", "", HttpStatusCode.Unauthorized)]
    [InlineData("application/x-www-form-urlencoded", "%%%&&&==", HttpStatusCode.Unauthorized)]
    public async Task Bodies_that_are_not_forms_are_refused(string contentType, string body, HttpStatusCode expected)
    {
        await using var server = await EventServer.StartAsync();

        Assert.Equal(expected, await PostAsync(server.Endpoint, body, contentType));
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task Well_signed_bodies_that_are_not_events_are_400()
    {
        await using var server = await EventServer.StartAsync();
        var token = "auth%5Bapplication_token%5D=" + EventServer.Token;

        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(server.Endpoint, token));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(server.Endpoint, "event=&" + token));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(server.Endpoint, "event=ON%20CRM%3Cscript%3E&" + token));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(server.Endpoint, Form(id: "abc")));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(server.Endpoint, Form("ONCRMDYNAMICITEMADD", id: "3")));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(server.Endpoint, Form(extra: string.Join('&', Enumerable.Range(0, 1100).Select(i => $"k{i}=v")))));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(server.Endpoint, Form(extra: "data%5BFIELDS%5D%5BBROKEN=1&data%5B%5D%5B%5D=2")));
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task A_10_MB_body_is_413_with_or_without_a_length_and_is_not_read_to_the_end()
    {
        await using var server = await EventServer.StartAsync();
        var big = Form(extra: "data%5BPAD%5D=" + new string('x', 10 * 1024 * 1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PostAsync(server.Endpoint, big));

        using var chunked = new HttpRequestMessage(HttpMethod.Post, server.Endpoint)
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))),
        };
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        HttpStatusCode status;
        try
        {
            using var response = await Http.SendAsync(chunked);
            status = response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // The server may answer and close before the client has finished sending 10 MB.
            status = HttpStatusCode.RequestEntityTooLarge;
        }

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Empty(server.Received);
        Assert.Equal(HttpStatusCode.OK, await PostAsync(server.Endpoint, Form()));
    }

    [Fact]
    public async Task Without_a_window_a_replay_is_handed_over_again_with_one_it_is_dropped_until_the_window_ends()
    {
        await using (var plain = await EventServer.StartAsync())
        {
            Assert.Equal(HttpStatusCode.OK, await PostAsync(plain.Endpoint, Form()));
            Assert.Equal(HttpStatusCode.OK, await PostAsync(plain.Endpoint, Form()));
            Assert.Equal(2, plain.Received.Count);
        }

        var clock = new FakeTimeProvider();
        await using var guarded = await EventServer.StartAsync(o =>
        {
            o.ReplayWindow = TimeSpan.FromMinutes(10);
            o.TimeProvider = clock;
        });

        Assert.Equal(HttpStatusCode.OK, await PostAsync(guarded.Endpoint, Form()));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(guarded.Endpoint, Form()));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(guarded.Endpoint, Form(ts: "1735374082")));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(guarded.Endpoint, Form(token: "forged")));
        Assert.Equal(2, guarded.Received.Count);
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(guarded.Endpoint, Form()));
        Assert.Equal(3, guarded.Received.Count);
    }

    [Fact]
    public async Task A_thousand_events_a_second_for_five_seconds_arrive_without_loss()
    {
        await using var server = await EventServer.StartAsync(o => o.ReplayWindow = TimeSpan.FromMinutes(10));
        const int perSecond = 1000;
        const int seconds = 5;
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var sends = new List<Task>();
        for (var i = 0; i < perSecond * seconds; i++)
        {
            // Paced: event i leaves at i ms, so the endpoint sees 1,000 events in every second.
            var due = TimeSpan.FromMilliseconds(i * 1000.0 / perSecond);
            if (due > started.Elapsed)
            {
                await Task.Delay(due - started.Elapsed);
            }

            var id = (i + 1).ToString(CultureInfo.InvariantCulture);
            sends.Add(Task.Run(async () => statuses.Add(await PostAsync(server.Endpoint, Form(id: id)))));
        }

        await Task.WhenAll(sends);

        Assert.Equal(perSecond * seconds, statuses.Count(s => s == HttpStatusCode.OK));
        var ids = server.Received.Cast<BitrixCrmEvent>().Select(e => e.Id).ToHashSet();
        Assert.Equal(perSecond * seconds, ids.Count);
        Assert.Equal(Enumerable.Range(1, perSecond * seconds).Select(i => (long)i).ToHashSet(), ids);

        // How fast the endpoint goes is measured by the bench (events-endpoint), not here: a
        // shared 2-core machine cannot promise wall time to a unit test.
    }
}
